/**
 * A first release to a PRIVATE package, on a registry as strict as GitHub's (test/support/
 * ghcr-registry.ts: the real docker-registry behind token auth; anonymous callers reach no
 * repository, a token reaches only its owner's packages, `packages: read` pulls, `write` pushes):
 * - publish --smoke pushes, then docker pulls by digest with the step's credentials (logged in
 *   into a temporary DOCKER_CONFIG that is removed) and boots the image;
 * - size-check --baseline last-release reads the private package with credentials, says
 *   "private, give credentials" without them, and "no release yet" for a repository that does
 *   not exist.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { SizeReport } from "../../src/size/types.js";
import { startStrictRegistry, type StrictRegistry } from "../support/ghcr-registry.js";
import { needs } from "../support/prerequisites.js";
import { buildAll, cli, docker, E2E_DIR } from "./fixture.js";

const need = await needs("registry", "dockerd", "binfmt", "musl-amd64", "cross-arm64");

const OWNER = `octo-${process.pid.toString(36)}${Date.now().toString(36)}`;
const WRITE = { user: "octo-bot", token: "ghs_private_write_0123456789" };
const READ = { user: "octo-bot", token: "ghs_private_read_0123456789" };
/** Another owner's token: valid, but none of OWNER's packages. */
const STRANGER = { user: "someone", token: "ghs_someone_else_0123456789" };
const OUT = join(E2E_DIR, "out");

const as = (c: { user: string; token: string } | undefined) => ({
  KIMIGAYO_REGISTRY_USER: c?.user ?? "",
  KIMIGAYO_REGISTRY_PASSWORD: c?.token ?? "",
});

describe("a private first release on a registry as strict as GHCR", { skip: need.skip }, () => {
  let ghcr: StrictRegistry;
  let image = "";
  let home = "";
  const pulled: string[] = [];

  before(async () => {
    need.check();
    buildAll();
    ghcr = await startStrictRegistry({
      grants: [
        { token: WRITE.token, owner: OWNER, packages: "write" },
        { token: READ.token, owner: OWNER, packages: "read" },
        { token: STRANGER.token, owner: "someone", packages: "write" },
      ],
    });
    image = `${ghcr.registry}/${OWNER}/kimigayo`;
    // An empty docker config, for an anonymous pull (the stand-in's port is new: no docker config has a login for it).
    home = mkdtempSync(join(tmpdir(), "kimigayo-private-docker-"));
  });

  after(async () => {
    for (const p of pulled) docker(["rmi", "-f", p]);
    await ghcr?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("publish --by-digest --smoke: pushed to a private package, pulled with the step's credentials and booted; no secret shown, no docker config left", () => {
    const tmp = mkdtempSync(join(tmpdir(), "kimigayo-private-tmp-"));
    try {
      const r = cli(["publish", "--by-digest", "--platform", "linux/amd64", "--image", image, "--out", OUT, "--smoke", "--json"], {
        ...as(WRITE),
        TMPDIR: tmp,
      });
      assert.equal(r.code, 0, r.stderr.slice(-4000));
      const out = JSON.parse(r.stdout) as { digests: { digest: string }[]; smoke: { busyboxTrue: boolean; boot: { line: string } }[] };
      assert.equal(out.smoke.length, 3, "one smoke per variant");
      for (const s of out.smoke) {
        assert.equal(s.busyboxTrue, true);
        assert.match(s.boot.line, /^kimigayo: ready in \d+(\.\d{3})? ms \(\d+ services\)$/);
      }
      for (const d of out.digests) pulled.push(`${image}@${d.digest}`);
      assert.ok(!`${r.stdout}${r.stderr}`.includes(WRITE.token), "the token never appears in the output");
      assert.deepEqual(
        readdirSync(tmp).filter((f) => f.startsWith("kimigayo-docker-config-")),
        [],
        "the temporary DOCKER_CONFIG was removed",
      );
      // docker itself pulled with the job's credentials (its token requests carry the account).
      const dockerPulls = ghcr.tokenRequests().filter((t) => t.account === WRITE.user && t.granted.some((g) => g.endsWith(":pull")));
      assert.ok(dockerPulls.length >= 3, `docker's pull tokens: ${JSON.stringify(dockerPulls)}`);
      // The package is private: the same image, gone from the engine, cannot be pulled anonymously.
      assert.equal(docker(["rmi", "-f", pulled[0]!]).code, 0);
      const anonymous = docker(["--config", home, "pull", "--platform", "linux/amd64", pulled[0]!]);
      assert.notEqual(anonymous.code, 0);
      assert.match(anonymous.stderr, /denied|unauthorized/i);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  describe("size-check --baseline last-release of the private package", () => {
    before(() => {
      const r = cli(["publish", "--image", image, "--version", "2.1.0", "--out", OUT, "--json"], as(WRITE));
      assert.equal(r.code, 0, r.stderr.slice(-4000));
    });

    const sizeCheck = (img: string, creds: { user: string; token: string } | undefined) =>
      cli(["size-check", "--out", OUT, "--image", img, "--baseline", "last-release", "--warn-only", "--json"], as(creds));

    it("with the job's credentials (packages: read): compared with 2.1.0", () => {
      const r = sizeCheck(image, READ);
      assert.equal(r.code, 0, r.stderr.slice(-4000));
      const report = JSON.parse(r.stdout) as SizeReport;
      assert.equal(report.baseline!.source, `${image}:2.1.0 (last-release)`);
      assert.ok(report.images.every((i) => i.baseline?.compressed === i.compressed));
      assert.ok(!r.stderr.includes(READ.token));
    });

    it("without credentials: exit 2, private, and which credentials to give with which permission", () => {
      const r = sizeCheck(image, undefined);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--baseline last-release: cannot list the tags of .*\/kimigayo \(private\)/);
      assert.match(r.stderr, /give registry credentials: the action's `username` and `password` inputs/);
      assert.match(r.stderr, /permissions: packages: read/);
      assert.match(r.stderr, /KIMIGAYO_REGISTRY_USER and KIMIGAYO_REGISTRY_PASSWORD/);
    });

    it("with another owner's token: exit 2, no access with the credentials given", () => {
      const r = sizeCheck(image, STRANGER);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /\(no access with the credentials given\)/);
      assert.match(r.stderr, /the credentials for user someone were not accepted or give no read access/);
      assert.ok(!r.stderr.includes(STRANGER.token));
    });

    it("a repository that does not exist yet: no release yet, nothing to compare, exit 0", () => {
      const r = sizeCheck(`${ghcr.registry}/${OWNER}/never-released`, READ);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as SizeReport;
      assert.equal(report.baseline, null);
      assert.match(report.notes[0]!, /^--baseline last-release: no release yet: .*\/never-released does not exist in the registry/);
    });
  });
});
