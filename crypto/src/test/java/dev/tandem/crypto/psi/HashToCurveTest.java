package dev.tandem.crypto.psi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.math.ec.rfc7748.X25519Field;
import org.junit.jupiter.api.Test;

/** Known answers of RFC 9380: appendix K.1 and K.3 (expand_message_xmd), J.4.1 and J.5.1 (suites). */
class HashToCurveTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String Q128 = "q128_" + "q".repeat(128);
  private static final String A512 = "a512_" + "a".repeat(512);

  /** msg, u0, u1, Q0.x, Q0.y, Q1.x, Q1.y, P.x, P.y. */
  private record Vector(String msg, String u0, String u1, String q0x, String q0y, String q1x, String q1y,
      String px, String py) {}

  private static final byte[] CURVE25519_DST = ascii("QUUX-V01-CS02-with-curve25519_XMD:SHA-512_ELL2_RO_");
  private static final List<Vector> CURVE25519 = List.of(
      new Vector("",
          "005fe8a7b8fef0a16c105e6cadf5a6740b3365e18692a9c05bfbb4d97f645a6a",
          "1347edbec6a2b5d8c02e058819819bee177077c9d10a4ce165aab0fd0252261a",
          "36b4df0c864c64707cbf6cf36e9ee2c09a6cb93b28313c169be29561bb904f98",
          "6cd59d664fb58c66c892883cd0eb792e52055284dac3907dd756b45d15c3983d",
          "3fa114783a505c0b2b2fbeef0102853c0b494e7757f2a089d0daae7ed9a0db2b",
          "76c0fe7fec932aaafb8eefb42d9cbb32eb931158f469ff3050af15cfdbbeff94",
          "2de3780abb67e861289f5749d16d3e217ffa722192d16bbd9d1bfb9d112b98c0",
          "3b5dc2a498941a1033d176567d457845637554a2fe7a3507d21abd1c1bd6e878"),
      new Vector("abc",
          "49bed021c7a3748f09fa8cdfcac044089f7829d3531066ac9e74e0994e05bc7d",
          "5c36525b663e63389d886105cee7ed712325d5a97e60e140aba7e2ce5ae851b6",
          "16b3d86e056b7970fa00165f6f48d90b619ad618791661b7b5e1ec78be10eac1",
          "4ab256422d84c5120b278cbdfc4e1facc5baadffeccecf8ee9bf3946106d50ca",
          "7ec29ddbf34539c40adfa98fcb39ec36368f47f30e8f888cc7e86f4d46e0c264",
          "10d1abc1cae2d34c06e247f2141ba897657fb39f1080d54f09ce0af128067c74",
          "2b4419f1f2d48f5872de692b0aca72cc7b0a60915dd70bde432e826b6abc526d",
          "1b8235f255a268f0a6fa8763e97eb3d22d149343d495da1160eff9703f2d07dd"),
      new Vector("abcdef0123456789",
          "6412b7485ba26d3d1b6c290a8e1435b2959f03721874939b21782df17323d160",
          "24c7b46c1c6d9a21d32f5707be1380ab82db1054fde82865d5c9e3d968f287b2",
          "71de3dadfe268872326c35ac512164850860567aea0e7325e6b91a98f86533ad",
          "26a08b6e9a18084c56f2147bf515414b9b63f1522e1b6c5649f7d4b0324296ec",
          "5704069021f61e41779e2ba6b932268316d6d2a6f064f997a22fef16d1eaeaca",
          "50483c7540f64fb4497619c050f2c7fe55454ec0f0e79870bb44302e34232210",
          "68ca1ea5a6acf4e9956daa101709b1eee6c1bb0df1de3b90d4602382a104c036",
          "2a375b656207123d10766e68b938b1812a4a6625ff83cb8d5e86f58a4be08353"),
      new Vector(Q128,
          "5e123990f11bbb5586613ffabdb58d47f64bb5f2fa115f8ea8df0188e0c9e1b5",
          "5e8553eb00438a0bb1e7faa59dec6d8087f9c8011e5fb8ed9df31cb6c0d4ac19",
          "7a94d45a198fb5daa381f45f2619ab279744efdd8bd8ed587fc5b65d6cea1df0",
          "67d44f85d376e64bb7d713585230cdbfafc8e2676f7568e0b6ee59361116a6e1",
          "30506fb7a32136694abd61b6113770270debe593027a968a01f271e146e60c18",
          "7eeee0e706b40c6b5174e551426a67f975ad5a977ee2f01e8e20a6d612458c3b",
          "096e9c8bae6c06b554c1ee69383bb0e82267e064236b3a30608d4ed20b73ac5a",
          "1eb5a62612cafb32b16c3329794645b5b948d9f8ffe501d4e26b073fef6de355"),
      new Vector(A512,
          "20f481e85da7a3bf60ac0fb11ed1d0558fc6f941b3ac5469aa8b56ec883d6d7d",
          "017d57fd257e9a78913999a23b52ca988157a81b09c5442501d07fed20869465",
          "02d606e2699b918ee36f2818f2bc5013e437e673c9f9b9cdc15fd0c5ee913970",
          "29e9dc92297231ef211245db9e31767996c5625dfbf92e1c8107ef887365de1e",
          "38920e9b988d1ab7449c0fa9a6058192c0c797bb3d42ac345724341a1aa98745",
          "24dcc1be7c4d591d307e89049fd2ed30aae8911245a9d8554bf6032e5aa40d3d",
          "1bc61845a138e912f047b5e70ba9606ba2a447a4dade024c8ef3dd42b7bbc5fe",
          "623d05e47b70e25f7f1d51dda6d7c23c9a18ce015fe3548df596ea9e38c69bf1"));

  private static final byte[] EDWARDS25519_DST = ascii("QUUX-V01-CS02-with-edwards25519_XMD:SHA-512_ELL2_RO_");
  private static final List<Vector> EDWARDS25519 = List.of(
      new Vector("",
          "03fef4813c8cb5f98c6eef88fae174e6e7d5380de2b007799ac7ee712d203f3a",
          "780bdddd137290c8f589dc687795aafae35f6b674668d92bf92ae793e6a60c75",
          "6549118f65bb617b9e8b438decedc73c496eaed496806d3b2eb9ee60b88e09a7",
          "7315bcc8cf47ed68048d22bad602c6680b3382a08c7c5d3f439a973fb4cf9feb",
          "31dcfc5c58aa1bee6e760bf78cbe71c2bead8cebb2e397ece0f37a3da19c9ed2",
          "7876d81474828d8a5928b50c82420b2bd0898d819e9550c5c82c39fc9bafa196",
          "3c3da6925a3c3c268448dcabb47ccde5439559d9599646a8260e47b1e4822fc6",
          "09a6c8561a0b22bef63124c588ce4c62ea83a3c899763af26d795302e115dc21"),
      new Vector("abc",
          "5081955c4141e4e7d02ec0e36becffaa1934df4d7a270f70679c78f9bd57c227",
          "005bdc17a9b378b6272573a31b04361f21c371b256252ae5463119aa0b925b76",
          "5c1525bd5d4b4e034512949d187c39d48e8cd84242aa4758956e4adc7d445573",
          "2bf426cf7122d1a90abc7f2d108befc2ef415ce8c2d09695a7407240faa01f29",
          "37b03bba828860c6b459ddad476c83e0f9285787a269df2156219b7e5c86210c",
          "285ebf5412f84d0ad7bb4e136729a9ffd2195d5b8e73c0dc85110ce06958f432",
          "608040b42285cc0d72cbb3985c6b04c935370c7361f4b7fbdb1ae7f8c1a8ecad",
          "1a8395b88338f22e435bbd301183e7f20a5f9de643f11882fb237f88268a5531"),
      new Vector("abcdef0123456789",
          "285ebaa3be701b79871bcb6e225ecc9b0b32dff2d60424b4c50642636a78d5b3",
          "2e253e6a0ef658fedb8e4bd6a62d1544fd6547922acb3598ec6b369760b81b31",
          "3ac463dd7fddb773b069c5b2b01c0f6b340638f54ee3bd92d452fcec3015b52d",
          "7b03ba1e8db9ec0b390d5c90168a6a0b7107156c994c674b61fe696cbeb46baf",
          "0757e7e904f5e86d2d2f4acf7e01c63827fde2d363985aa7432106f1b3a444ec",
          "50026c96930a24961e9d86aa91ea1465398ff8e42015e2ec1fa397d416f6a1c0",
          "6d7fabf47a2dc03fe7d47f7dddd21082c5fb8f86743cd020f3fb147d57161472",
          "53060a3d140e7fbcda641ed3cf42c88a75411e648a1add71217f70ea8ec561a6"),
      new Vector(Q128,
          "4fedd25431c41f2a606952e2945ef5e3ac905a42cf64b8b4d4a83c533bf321af",
          "02f20716a5801b843987097a8276b6d869295b2e11253751ca72c109d37485a9",
          "703e69787ea7524541933edf41f94010a201cc841c1cce60205ec38513458872",
          "32bb192c4f89106466f0874f5fd56a0d6b6f101cb714777983336c159a9bec75",
          "0c9077c5c31720ed9413abe59bf49ce768506128d810cb882435aa90f713ef6b",
          "7d5aec5210db638c53f050597964b74d6dda4be5b54fa73041bf909ccb3826cb",
          "5fb0b92acedd16f3bcb0ef83f5c7b7a9466b5f1e0d8d217421878ea3686f8524",
          "2eca15e355fcfa39d2982f67ddb0eea138e2994f5956ed37b7f72eea5e89d2f7"),
      new Vector(A512,
          "6e34e04a5106e9bd59f64aba49601bf09d23b27f7b594e56d5de06df4a4ea33b",
          "1c1c2cb59fc053f44b86c5d5eb8c1954b64976d0302d3729ff66e84068f5fd96",
          "21091b2e3f9258c7dfa075e7ae513325a94a3d8a28e1b1cb3b5b6f5d65675592",
          "41a33d324c89f570e0682cdf7bdb78852295daf8084c669f2cc9692896ab5026",
          "4c07ec48c373e39a23bd7954f9e9b66eeab9e5ee1279b867b3d5315aa815454f",
          "67ccac7c3cb8d1381242d8d6585c57eabaddbb5dca5243a68a8aeb5477d94b3a",
          "0efcfde5898a839b00997fbe40d2ebe950bc81181afbd5cd6b9618aa336c1e8c",
          "6dc2fc04f266c5c27f236a80b14f92ccd051ef1ff027f26a07f8c0f327d8f995"));

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String hex(BigInteger value) {
    String digits = value.toString(16);
    return "0".repeat(64 - digits.length()) + digits;
  }

  private static String hex(int[] element) {
    return hex(Fe.toBigInteger(element));
  }

  private static BigInteger quotient(int[] numerator, int[] denominator) {
    int[] inverse = Fe.create();
    X25519Field.inv(denominator, inverse);
    X25519Field.mul(numerator, inverse, inverse);
    return Fe.toBigInteger(inverse);
  }

  private static byte[] uniform(byte[] dst, String msg) {
    return HashToCurve.expandMessageXmd("SHA-512", 128, ascii(msg), dst, 96);
  }

  private static int[] fieldElement(byte[] uniform, int index) {
    int[] u = Fe.create();
    Fe.fromBigEndian48(uniform, 48 * index, u);
    return u;
  }

  /** (u, v) on curve25519 of an edwards25519 point, by the RFC 7748 map u = (1 + y) / (1 - y), v = c1 u / x. */
  private static BigInteger[] toMontgomery(Edwards p) {
    int[] num = Fe.create();
    int[] den = Fe.create();
    X25519Field.apm(p.z, p.y, num, den);
    BigInteger u = quotient(num, den);
    int[] vNum = Fe.create();
    int[] vDen = Fe.create();
    X25519Field.mul(num, p.z, vNum);
    X25519Field.mul(vNum, Fe.SQRT_M486664, vNum);
    X25519Field.mul(den, p.x, vDen);
    return new BigInteger[] {u, quotient(vNum, vDen)};
  }

  @Test
  void expandMessageXmd_sha512_matchesRfc9380AppendixK3() {
    byte[] dst = ascii("QUUX-V01-CS02-with-expander-SHA512-256");
    assertEquals("6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba",
        HEX.formatHex(HashToCurve.expandMessageXmd("SHA-512", 128, ascii(""), dst, 0x20)));
    assertEquals("0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc",
        HEX.formatHex(HashToCurve.expandMessageXmd("SHA-512", 128, ascii("abc"), dst, 0x20)));
    assertEquals("087e45a86e2939ee8b91100af1583c4938e0f5fc6c9db4b107b83346bc967f58",
        HEX.formatHex(HashToCurve.expandMessageXmd("SHA-512", 128, ascii("abcdef0123456789"), dst, 0x20)));
    assertEquals("41b037d1734a5f8df225dd8c7de38f851efdb45c372887be655212d07251b921b052b62eaed99b46f72f2ef4cc96bfaf"
            + "254ebbbec091e1a3b9e4fb5e5b619d2e0c5414800a1d882b62bb5cd1778f098b8eb6cb399d5d9d18f5d5842cf5d13d7eb0"
            + "0a7cff859b605da678b318bd0e65ebff70bec88c753b159a805d2c89c55961",
        HEX.formatHex(HashToCurve.expandMessageXmd("SHA-512", 128, ascii(""), dst, 0x80)));
  }

  @Test
  void expandMessageXmd_sha256_matchesRfc9380AppendixK1() {
    byte[] dst = ascii("QUUX-V01-CS02-with-expander-SHA256-128");
    assertEquals("68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235",
        HEX.formatHex(HashToCurve.expandMessageXmd("SHA-256", 64, ascii(""), dst, 0x20)));
    assertEquals("d8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615",
        HEX.formatHex(HashToCurve.expandMessageXmd("SHA-256", 64, ascii("abc"), dst, 0x20)));
    assertEquals("eff31487c770a893cfb36f912fbfcbff40d5661771ca4b2cb4eafe524333f5c1",
        HEX.formatHex(HashToCurve.expandMessageXmd("SHA-256", 64, ascii("abcdef0123456789"), dst, 0x20)));
    assertEquals("abba86a6129e366fc877aab32fc4ffc70120d8996c88aee2fe4b32d6c7b6437a647e6c3163d40b76a73cf6a5674ef1d8"
            + "90f95b664ee0afa5359a5c4e07985635bbecbac65d747d3d2da7ec2b8221b17b0ca9dc8a1ac1c07ea6a1e60583e2cb00058e"
            + "77b7b72a298425cd1b941ad4ec65e8afc50303a22c0f99b0509b4c895f40",
        HEX.formatHex(HashToCurve.expandMessageXmd("SHA-256", 64, ascii("abc"), dst, 0x80)));
  }

  @Test
  void hashToCurve_curve25519Suite_matchesRfc9380AppendixJ41() {
    for (Vector v : CURVE25519) {
      byte[] uniform = uniform(CURVE25519_DST, v.msg());
      int[] u0 = fieldElement(uniform, 0);
      int[] u1 = fieldElement(uniform, 1);
      assertEquals(v.u0(), hex(u0), v.msg());
      assertEquals(v.u1(), hex(u1), v.msg());
      int[] xn = Fe.create();
      int[] xd = Fe.create();
      int[] y = Fe.create();
      HashToCurve.mapToCurveElligator2(u0, xn, xd, y);
      assertEquals(v.q0x(), hex(quotient(xn, xd)), v.msg());
      assertEquals(v.q0y(), hex(y), v.msg());
      HashToCurve.mapToCurveElligator2(u1, xn, xd, y);
      assertEquals(v.q1x(), hex(quotient(xn, xd)), v.msg());
      assertEquals(v.q1y(), hex(y), v.msg());
      Edwards p = new Edwards();
      HashToCurve.fromUniformBytes(uniform, p, new Edwards());
      BigInteger[] uv = toMontgomery(p);
      assertEquals(v.px(), hex(uv[0]), v.msg());
      assertEquals(v.py(), hex(uv[1]), v.msg());
    }
  }

  @Test
  void hashToCurve_edwards25519Suite_matchesRfc9380AppendixJ51() {
    for (Vector v : EDWARDS25519) {
      byte[] uniform = uniform(EDWARDS25519_DST, v.msg());
      int[] u0 = fieldElement(uniform, 0);
      int[] u1 = fieldElement(uniform, 1);
      assertEquals(v.u0(), hex(u0), v.msg());
      assertEquals(v.u1(), hex(u1), v.msg());
      Edwards q = new Edwards();
      HashToCurve.mapToEdwards(u0, q);
      assertEquals(v.q0x(), hex(quotient(q.x, q.z)), v.msg());
      assertEquals(v.q0y(), hex(quotient(q.y, q.z)), v.msg());
      HashToCurve.mapToEdwards(u1, q);
      assertEquals(v.q1x(), hex(quotient(q.x, q.z)), v.msg());
      assertEquals(v.q1y(), hex(quotient(q.y, q.z)), v.msg());
      Edwards p = new Edwards();
      HashToCurve.fromUniformBytes(uniform, p, q);
      assertEquals(v.px(), hex(quotient(p.x, p.z)), v.msg());
      assertEquals(v.py(), hex(quotient(p.y, p.z)), v.msg());
    }
  }

  @Test
  void hashToU_batchWithPrecomputedPadding_matchesRfc9380AppendixJ41() throws Exception {
    HashToCurve hasher = new HashToCurve(CURVE25519_DST);
    int n = CURVE25519.size();
    byte[][] messages = new byte[n][];
    int[][] us = new int[n][];
    for (int i = 0; i < n; i++) {
      messages[i] = ascii(CURVE25519.get(i).msg());
      us[i] = Fe.create();
      assertArrayEquals(uniform(CURVE25519_DST, CURVE25519.get(i).msg()),
          hasher.uniformBytes(messages[i], paddedSha512(), MessageDigest.getInstance("SHA-512")), CURVE25519.get(i).msg());
    }
    hasher.new Batch(n).hashToU(messages, n, us);
    for (int i = 0; i < n; i++) {
      assertEquals(CURVE25519.get(i).px(), hex(us[i]), CURVE25519.get(i).msg());
    }
  }

  private static MessageDigest paddedSha512() throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-512");
    digest.update(new byte[128]);
    return digest;
  }
}
