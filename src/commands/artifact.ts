import { Command } from "commander";
import { io } from "../cli/io.ts";
import { renderTable } from "../cli/table.ts";
import { outputOption, print, withControlPlane, type OutputFormat } from "./shared.ts";

/** `cairn artifact upload|download`: files in and out of the content-addressed store, streamed both ways. */
export function artifactCommand(): Command {
  const upload = new Command("upload")
    .description("store a file in the CAS (streamed, hashed as it is written) and print its digest")
    .argument("<file>", "the file to store")
    .addOption(outputOption())
    .action(async (file: string, opts: { output: OutputFormat }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        const r = await cp.artifacts.upload({ path: file });
        print(opts.output, r, () => renderTable({ rows: [["Digest", r.digest], ["Name", r.name], ["Size", String(r.size)]], keepDigests: true }));
      });
    });
  const download = new Command("download")
    .description("fetch a stored file by digest, re-hashed on the way: a corrupt blob is refused and leaves no file")
    .requiredOption("-d, --digest <sha256:hex>", "the file's digest")
    .option("--output <file>", "destination file or directory, or - for stdout (default: the recorded name in the current directory)")
    .action(async (opts: { digest: string; output?: string }, c: Command) => {
      await withControlPlane(c, async (cp) => {
        if (opts.output === "-") {
          const r = await cp.artifacts.download({ digest: opts.digest, sink: writeStdout });
          io.info(`${r.digest} verified (${r.size} bytes)`);
          return;
        }
        const r = await cp.artifacts.download({ digest: opts.digest, output: opts.output });
        io.info(`downloaded ${r.path} (${r.size} bytes, ${r.digest} verified)`);
      });
    });
  return new Command("artifact").description("upload and download files of the content-addressed store").addCommand(upload).addCommand(download);
}

/**
 * Resolves once the chunk was handed to the OS: the CAS reuses its read buffers, and waiting also keeps a slow
 * reader from making us buffer the blob in memory.
 */
function writeStdout(chunk: Uint8Array): Promise<void> {
  return new Promise((done, fail) => void process.stdout.write(chunk, (e) => (e ? fail(e) : done())));
}
