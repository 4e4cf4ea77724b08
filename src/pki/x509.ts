// The one import of @peculiar/x509 for product code. Its DI container (tsyringe) throws at load unless the
// reflect-metadata polyfill ran first, and neither Bun's runtime nor its bundler promises to evaluate a CommonJS
// import before a sibling ES module's CommonJS dependencies; awaiting the two in turn makes the order certain.
import { webcrypto } from "node:crypto";

await import("reflect-metadata");
const x509 = await import("@peculiar/x509");
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
