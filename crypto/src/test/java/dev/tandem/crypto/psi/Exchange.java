package dev.tandem.crypto.psi;

import java.util.List;

/** A complete two-party run with every message passed through its bytes, as a relay would. */
record Exchange(byte[] aBlinded, byte[] bBlinded, byte[] aReblinded, byte[] bReblinded,
    List<String> aResult, List<String> bResult) {

  static Exchange run(List<String> aIds, List<String> bIds) {
    PsiParty a = PsiParty.of(aIds);
    PsiParty b = PsiParty.of(bIds);
    byte[] aBlinded = a.blindedIds().toBytes();
    byte[] bBlinded = b.blindedIds().toBytes();
    byte[] aReblinded = a.reblind(BlindedIds.fromBytes(bBlinded)).toBytes();
    byte[] bReblinded = b.reblind(BlindedIds.fromBytes(aBlinded)).toBytes();
    List<String> aResult = a.intersection(Reblinded.fromBytes(bReblinded));
    List<String> bResult = b.intersection(Reblinded.fromBytes(aReblinded));
    return new Exchange(aBlinded, bBlinded, aReblinded, bReblinded, aResult, bResult);
  }

  List<byte[]> messages() {
    return List.of(aBlinded, bBlinded, aReblinded, bReblinded);
  }
}
