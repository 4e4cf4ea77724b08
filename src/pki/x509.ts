// The one import of @peculiar/x509 for product code: its DI container (tsyringe) needs the reflect-metadata polyfill (reflect.ts)
// loaded first, and every certificate builder and parser (CA, TSA, tests) goes through here so that order holds.
import "./reflect.ts";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
