/**
 * Additive secret sharing over Z_(2^96) and its bridge to Paillier: a party encrypts its feature
 * matrix under its own key ({@link dev.tandem.crypto.sharing.PackedMatrix}), another multiplies it
 * by its shares ({@link dev.tandem.crypto.sharing.ShareConversion#product}) and masks the result,
 * and the key holder decrypts its share ({@link dev.tandem.crypto.sharing.ShareConversion#open}).
 * Decryptions stay with the key holder as shares; nothing here hands out the plaintext of another
 * party's value. {@link dev.tandem.crypto.sharing.Ring} has the ring and fixed-point arithmetic.
 */
package dev.tandem.crypto.sharing;
