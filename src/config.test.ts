import { describe, expect, test } from "bun:test";
import { caSource, loadConfig, remoteConfig } from "./config.ts";
import { expectCode } from "./test-helpers.ts";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("--control-plane-ca / CAIRN_CONTROL_PLANE_CA", () => {
  test("the flag beats the variable; PEM text stays text, anything else is a path from the working directory", () => {
    expect(caSource(undefined, undefined, "/w")).toBeUndefined();
    expect(caSource(undefined, "", "/w")).toBeUndefined();
    expect(caSource("ca.pem", PEM, "/w")).toEqual({ from: "--control-plane-ca", path: "/w/ca.pem" });
    expect(caSource(undefined, PEM, "/w")).toEqual({ from: "CAIRN_CONTROL_PLANE_CA", pem: PEM });
    expect(caSource(undefined, "/etc/ca.pem", "/w")).toEqual({ from: "CAIRN_CONTROL_PLANE_CA", path: "/etc/ca.pem" });
  });

  test("an empty flag is USAGE", async () => {
    expect((await expectCode(() => caSource(" ", undefined, "/w"), "USAGE")).message).toBe("--control-plane-ca is empty");
  });

  test("a CA goes with an https control plane only", async () => {
    const ca = { from: "--control-plane-ca" as const, path: "/w/ca.pem" };
    expect(remoteConfig("https://cp.internal/", "t", ca)).toEqual({ url: "https://cp.internal", token: "t", ca });
    const plain = await expectCode(() => remoteConfig("http://cp.internal", "t", ca), "USAGE");
    expect(plain.message).toBe("--control-plane-ca is set but --control-plane http://cp.internal is plain http: the CA would not be used");
    const alone = await expectCode(() => remoteConfig(undefined, undefined, ca), "USAGE");
    expect(alone.message).toBe("--control-plane-ca is set but no control plane is");
  });

  test("loadConfig wires the variable through", () => {
    const env = { HOME: "/h", CAIRN_CONTROL_PLANE: "https://cp", CAIRN_TOKEN: "t", CAIRN_CONTROL_PLANE_CA: "ca.pem" };
    expect(loadConfig(env, {}, "/w", false).remote).toEqual({ url: "https://cp", token: "t", ca: { from: "CAIRN_CONTROL_PLANE_CA", path: "/w/ca.pem" } });
    expect(loadConfig(env, { controlPlaneCa: PEM }, "/w", false).remote?.ca).toEqual({ from: "--control-plane-ca", pem: PEM });
  });
});
