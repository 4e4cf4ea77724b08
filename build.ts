// Builds the single binary dist/cairn. `bun build` never type-checks: `npm run typecheck` is its own step.
export {};

/** The short commit of HEAD, "unknown" outside git (a source tarball) or without git installed. */
function gitCommit(): string {
  try {
    const p = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { stdout: "pipe", stderr: "ignore" });
    const out = p.stdout.toString().trim();
    return p.exitCode === 0 && out !== "" ? out : "unknown";
  } catch {
    return "unknown";
  }
}

// SOURCE_DATE_EPOCH (reproducible builds) wins over the clock.
const sourceDate = process.env.SOURCE_DATE_EPOCH;
const buildDate = (sourceDate && /^\d+$/.test(sourceDate) ? new Date(Number(sourceDate) * 1000) : new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");

const result = await Bun.build({
  // The workers are their own entrypoints: `cairn serve` starts them by URL (src/store/sqlite/checkpointer.ts,
  // src/server/parse-vet.ts).
  entrypoints: ["./src/main.ts", "./src/store/sqlite/checkpoint-worker.ts", "./src/server/parse-worker.ts"],
  compile: {
    outfile: "./dist/cairn",
    // A signing tool must not silently pick up a .env or bunfig from the directory a CI job runs it in.
    autoloadDotenv: false,
    autoloadBunfig: false,
    autoloadTsconfig: false,
    autoloadPackageJson: false,
    // JavaScriptCore's tier-up thresholds x10 at start: a CLI command runs most of its code once, in a few ms, and
    // compiling it cost more than interpreting it (the lifecycle's five processes: -10% CPU). A process still running
    // after 250 ms gets the normal policy back (main.ts), and so do `cairn serve` and its parse worker at once.
    jitPolicy: 10,
  },
  // `cairn version` reports these (src/version.ts).
  define: { CAIRN_BUILD_COMMIT: JSON.stringify(gitCommit()), CAIRN_BUILD_DATE: JSON.stringify(buildDate) },
  // commander imports stripVTControlCharacters from node:util, which loads Node's inspect module at every start
  // (~6 ms); it gets the same function from src/cli/vt-strip.ts instead (tested against node:util's). Its
  // node:child_process (~0.5 ms), for executable subcommands cairn has none of, is loaded on use
  // (src/cli/lazy-child-process.ts).
  plugins: [
    {
      name: "commander-builtins",
      setup(build) {
        const strip = JSON.stringify(new URL("./src/cli/vt-strip.ts", import.meta.url).pathname);
        const childProcess = JSON.stringify(new URL("./src/cli/lazy-child-process.ts", import.meta.url).pathname);
        build.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/][a-z]+\.js$/ }, async (args) => {
          const text = await Bun.file(args.path).text();
          const contents = text.replace(/from\s+['"](?:node:)?util['"]/g, `from ${strip}`).replace(/from\s+['"](?:node:)?child_process['"]/g, `from ${childProcess}`);
          return { contents, loader: "js" };
        });
      },
    },
  ],
  minify: true,
  bytecode: true,
  format: "esm",
  // Each dynamic import() and lazy require() is its own chunk in the binary, evaluated when it runs: without it every
  // start evaluated all modules' top levels and linked every builtin any module imports (node:crypto and its streams
  // among them), so `cairn --version` cost 28 ms and took 17 ms with it; the lifecycle's five processes, 223 → 167 ms.
  splitting: true,
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.error("built dist/cairn");
