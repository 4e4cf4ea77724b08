import pkg from "../package.json" with { type: "json" };

/** The cairn version, embedded at build time from package.json. */
export const VERSION: string = pkg.version;
