import { describe, expect, test } from "bun:test";
import { genericState, githubState } from "./fixtures.testutil.ts";
import { gitHeadDescriptor, gitUri } from "./git-source.ts";

describe("gitUri", () => {
  test.each([
    ["https://github.com/acme/api.git", "git+https://github.com/acme/api.git"],
    ["git+https://github.com/acme/api", "git+https://github.com/acme/api"],
    ["ssh://git@host.example:2222/acme/api.git", "git+ssh://git@host.example:2222/acme/api.git"],
    ["git@gitlab.example.com:cyberdyne/skynet.git", "git+ssh://git@gitlab.example.com/cyberdyne/skynet.git"],
    ["host.example:/srv/api.git", "git+ssh://host.example/srv/api.git"],
    ["/srv/git/api.git", "git+file:///srv/git/api.git"],
  ])("%s → %s", (url, uri) => {
    expect(gitUri(url)).toBe(uri);
  });

  test("relative paths and junk have no URI form", () => {
    expect(gitUri("../api")).toBeUndefined();
    expect(gitUri("not a remote")).toBeUndefined();
  });
});

describe("gitHeadDescriptor", () => {
  test("no git HEAD recorded: none; no remote: a uri-less git.head", () => {
    expect(gitHeadDescriptor({ ...genericState, git: undefined })).toBeUndefined();
    expect(gitHeadDescriptor(genericState)).toEqual({ name: "git.head", digest: { gitCommit: "9d1a".repeat(16) } });
  });

  test("the first remote; GITHUB_REF only for the commit GitHub checked out, and only a full ref", () => {
    expect(gitHeadDescriptor(githubState)?.uri).toBe("git+https://github.com/cyberdyne/skynet.git@refs/heads/main");
    const shortRef = { ...githubState, env: { ...githubState.env, GITHUB_REF: "main" } };
    expect(gitHeadDescriptor(shortRef)?.uri).toBe("git+https://github.com/cyberdyne/skynet.git");
    const twoRemotes = { ...genericState, git: { ...genericState.git!, remotes: [{ name: "fork", url: "https://x.example/a" }, { name: "origin", url: "https://y.example/b" }] } };
    expect(gitHeadDescriptor(twoRemotes)?.uri).toBe("git+https://x.example/a");
  });
});
