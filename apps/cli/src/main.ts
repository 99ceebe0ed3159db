/** Entry point of the `pymem` command; returns the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  process.stdout.write(`pymem ${argv.join(' ')}\n`);
  return Promise.resolve(0);
}
