/** The lecture's layer superscripts: sup(12) is '¹²', for z⁽¹²⁾. */
const DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** A whole number in superscript digits. */
export function sup(k: number): string {
  return String(k).replace(/\d/g, (d) => DIGITS[Number(d)]).replace('-', '⁻');
}
