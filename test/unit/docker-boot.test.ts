import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { bootToReady, dockerRunArgs, READY_LINE } from "../../src/lib/docker.js";

// bootToReady against a stand-in `docker` (KIMIGAYO_DOCKER): a script that records its arguments
// and behaves as the first argument after the image asks.
describe("bootToReady (src/lib/docker.ts)", () => {
  let dir = "";
  const saved = process.env.KIMIGAYO_DOCKER;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kimigayo-boot-"));
    const fake = join(dir, "docker");
    await writeFile(
      fake,
      `#!/bin/sh
printf '%s\\n' "$*" > "${dir}/args"
for last; do :; done
case "$last" in
  ready) printf 'init: starting\\nkimigayo: rea'; sleep 0.1; printf 'dy in 12 ms (3 services)\\n'; sleep 0.2; exit 0 ;;
  early) echo 'no init here' >&2; exit 3 ;;
  hang) sleep 5 ;;
esac
`,
    );
    await chmod(fake, 0o755);
    process.env.KIMIGAYO_DOCKER = fake;
  });
  after(async () => {
    if (saved === undefined) delete process.env.KIMIGAYO_DOCKER;
    else process.env.KIMIGAYO_DOCKER = saved;
    await rm(dir, { recursive: true, force: true });
  });

  test("resolves at the ready line, even when it arrives in pieces; the run's exit code follows", async () => {
    const b = await bootToReady("img", "c1", { platform: "linux/arm64", extra: ["--memory", "64m"], command: ["ready"], remove: true });
    assert.match(b.line, READY_LINE);
    assert.deepEqual([b.readyMs, b.services, b.name], [12, 3, "c1"]);
    assert.ok(b.wallMs >= 90, `wall ${b.wallMs} ms`);
    assert.equal(await b.exited, 0);
    assert.equal(
      (await readFile(join(dir, "args"), "utf8")).trim(),
      "run --rm --pull=never --name c1 --platform linux/arm64 --memory 64m img ready",
    );
  });

  test("without remove the container is kept (no --rm)", async () => {
    const b = await bootToReady("img", "c2", { command: ["ready"] });
    await b.exited;
    assert.equal((await readFile(join(dir, "args"), "utf8")).trim(), "run --pull=never --name c2 img ready");
  });

  test("an exit before the ready line rejects with the code and the output", async () => {
    await assert.rejects(
      bootToReady("img", "c3", { command: ["early"] }),
      /img: docker run exited with 3 before the ready line; output:\nno init here/,
    );
  });

  test("no ready line within the timeout rejects", async () => {
    await assert.rejects(bootToReady("img", "c4", { command: ["hang"], timeoutMs: 200 }), /no ready line within 0\.2 s/);
  });
});

describe("dockerRunArgs: the one docker run builder (boot, bench, smoke)", () => {
  const cases: [string, Parameters<typeof dockerRunArgs>, string[]][] = [
    [
      "boot: attached, named, never a pull",
      ["img@sha256:1", "kimigayo-smoke-1", { platform: "linux/arm64", command: ["/sbin/init"] }],
      ["run", "--pull=never", "--name", "kimigayo-smoke-1", "--platform", "linux/arm64", "img@sha256:1", "/sbin/init"],
    ],
    [
      "bench idle container: detached, removed, extra options before the image",
      ["img", "b-1", { detach: true, remove: true, extra: ["--memory", "8m"], command: ["sleep", "3600"] }],
      ["run", "-d", "--rm", "--pull=never", "--name", "b-1", "--memory", "8m", "img", "sleep", "3600"],
    ],
    [
      "bench case: unnamed, removed, with a platform",
      ["img", undefined, { remove: true, platform: "linux/amd64", extra: ["-v", "/d:/d:ro"], command: ["true"] }],
      ["run", "--rm", "--pull=never", "--platform", "linux/amd64", "-v", "/d:/d:ro", "img", "true"],
    ],
    [
      "smoke busybox true: just pulled by digest, so docker's default pull policy",
      ["img@sha256:2", undefined, { remove: true, pull: "missing", platform: "linux/arm64", command: ["busybox", "true"] }],
      ["run", "--rm", "--platform", "linux/arm64", "img@sha256:2", "busybox", "true"],
    ],
  ];
  for (const [name, args, want] of cases) test(name, () => assert.deepEqual(dockerRunArgs(...args), want));
});
