/** `kspec variants`: the named protocol variants, one a line: name, then what it changes. */
import { variants } from '../../variants.js';

export function variantsCommand(args: string[]): number {
  if (args.length > 0) throw new Error(`kspec variants takes no arguments, got: ${args.join(' ')}`);
  const width = Math.max(...variants.map((v) => v.name.length));
  for (const v of variants) console.log(`${v.name.padEnd(width)}  ${v.description}${v.breaks === null ? '' : ` (breaks ${v.breaks})`}`);
  return 0;
}
