/** `kspec variants`: the named protocol variants, one a line: name, then what it changes. */
import { variants } from '../../variants.js';

export function variantsCommand(): number {
  const width = Math.max(...variants.map((v) => v.name.length));
  for (const v of variants) console.log(`${v.name.padEnd(width)}  ${v.description}${v.breaks === null ? '' : ` (breaks ${v.breaks})`}`);
  return 0;
}
