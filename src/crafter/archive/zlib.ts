import type * as Zlib from "node:zlib";

/**
 * node:zlib, loaded on the first archive or gzip read. A built-in imported statically is linked at every start of
 * the compiled binary (~3 ms of CPU, even for `--version`), and most commands never inflate anything.
 */
export const zlib = (): typeof Zlib => require("node:zlib");
