/**
 * Where the human-readable report goes. Normally stdout; when a command writes its --json report
 * to stdout, the readable one moves to stderr so that stdout stays one JSON document a script can parse.
 */
let sink: (line: string) => void = (line) => console.log(line);

export function say(line = ''): void {
  sink(line);
}

export function humanOutputTo(stream: 'stdout' | 'stderr'): void {
  sink = stream === 'stdout' ? (line) => console.log(line) : (line) => console.error(line);
}
