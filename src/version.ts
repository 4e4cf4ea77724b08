import pkg from "../package.json" with { type: "json" };

/** The cairn version, embedded at build time from package.json. */
export const VERSION: string = pkg.version;

// Replaced by build.ts (Bun.build `define`); absent when run from source, hence the typeof guards.
declare const CAIRN_BUILD_COMMIT: string | undefined;
declare const CAIRN_BUILD_DATE: string | undefined;

/** Short git commit the binary was built from; "unknown" from source or outside git. */
export const BUILD_COMMIT: string = typeof CAIRN_BUILD_COMMIT === "string" ? CAIRN_BUILD_COMMIT : "unknown";
/** When the binary was built (ISO 8601, UTC); "unknown" from source. */
export const BUILD_DATE: string = typeof CAIRN_BUILD_DATE === "string" ? CAIRN_BUILD_DATE : "unknown";
