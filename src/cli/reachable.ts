/** A subcommand as a command group lists it: the names argv may call it by. */
export interface Named {
  readonly names: readonly string[];
}

/**
 * The subcommands of one group that argv can reach, and the arguments after the one it names: the first operand
 * (skipping the group's options and the values of `valueOptions`) when it names one; all of them otherwise (help,
 * no or an unknown name, `--`), so commander lists them and suggests the nearest. Only what can run is built.
 */
export function reachable<T extends Named>(args: readonly string[], entries: readonly T[], valueOptions: ReadonlySet<string>): { entries: readonly T[]; rest: readonly string[] } {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--" || a === "-h" || a === "--help") break;
    if (!a.startsWith("-")) {
      const named = entries.find((e) => e.names.includes(a));
      return named ? { entries: [named], rest: args.slice(i + 1) } : { entries, rest: [] };
    }
    if (valueOptions.has(a)) i++;
  }
  return { entries, rest: [] };
}
