// Builds the single binary dist/cairn. `bun build` never type-checks: `npm run typecheck` is its own step.
export {};

const result = await Bun.build({
  // The checkpoint worker is its own entrypoint: `cairn serve` starts it by URL (src/store/sqlite/checkpointer.ts).
  entrypoints: ["./src/main.ts", "./src/store/sqlite/checkpoint-worker.ts"],
  compile: {
    outfile: "./dist/cairn",
    // A signing tool must not silently pick up a .env or bunfig from the directory a CI job runs it in.
    autoloadDotenv: false,
    autoloadBunfig: false,
    autoloadTsconfig: false,
    autoloadPackageJson: false,
  },
  minify: true,
  bytecode: true,
  format: "esm",
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.error("built dist/cairn");
