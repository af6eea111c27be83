/**
 * publish against the real registry (127.0.0.1:5000) through a fault-injecting proxy: a stalled
 * request is retried and the publish succeeds; a failure in the tag phase leaves no moving tag
 * ahead of its exact tag and lists the tags that moved and the ones that did not, and a re-run
 * completes them; a failure before the tag phase (a later variant's index) leaves every tag of
 * every variant on the older release; `merge --defer-tags` moves no tag, and the release's tag
 * phase on those indexes (tagPushed) behaves as publish's under a fault. Needs doctor's
 * "registry" prerequisite.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { silentLogger } from "../../src/lib/log.js";
import { writeTar } from "../../src/lib/tar.js";
import { RegistryClient, type RegistryClientOptions } from "../../src/oci/registry.js";
import { merge, publish, publishByDigest, TagPhaseError, tagPushed } from "../../src/publish/publish.js";
import { computeTags, tagOrder, type TagResult } from "../../src/publish/tags.js";
import type { BuildResult, LayoutBuild } from "../../src/results/build.js";
import { buildImage } from "../../src/build/image.js";
import { needs } from "../support/prerequisites.js";
import { startProxy, UPSTREAM } from "../support/registry-proxy.js";

const EPOCH = 1767225600;
const need = await needs("registry");
const HERMETIC: RegistryClientOptions = { env: {}, dockerConfig: "/nonexistent/config.json" };
const FAST = { attempts: 2, baseMs: 10, maxDelayMs: 50, budgetMs: 10_000 };
const runId = randomBytes(4).toString("hex");
let repoCount = 0;
const newRepo = () => `test-${runId}/publish-faults-${++repoCount}`;
const direct = () => new RegistryClient(`${UPSTREAM.host}:${UPSTREAM.port}`, HERMETIC);

/** Where each tag of `tags` points in `repo` (undefined: no such tag). */
async function tagTargets(repo: string, tags: TagResult): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for (const m of tagOrder(tags)) out.set(m.tag, (await direct().headManifest(repo, m.tag))?.digest);
  return out;
}

describe("publish under registry faults", { skip: need.skip }, () => {
  beforeEach(need.check);
  let work = "";
  let cfg: Config;
  /** Two releases' builds: every variant's layout, with different content. */
  const builds: Record<"old" | "new", BuildResult> = {} as Record<"old" | "new", BuildResult>;
  const release = (version: string, existing: string[]) => computeTags({ kind: "version", version, existingTags: existing }, cfg.variants);
  const indexOf = (b: BuildResult, variant: string) => b.layouts!.find((l) => l.variant === variant)!.index.digest;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "publish-faults-"));
    cfg = await loadConfig(join(import.meta.dirname, "../../configs/kimigayo.yml"));
    for (const which of ["old", "new"] as const) {
      const layouts: LayoutBuild[] = [];
      for (const variant of cfg.variants) {
        const dir = join(work, which, variant.name);
        mkdirSync(dir, { recursive: true });
        const rootfs = cfg.platforms.map((platform) => {
          const tar = join(dir, `${platform.replace("/", "-")}.tar`);
          const data = Buffer.from(`${which} ${variant.name} ${platform} ${runId}\n`);
          writeFileSync(tar, writeTar([{ type: "file", path: "data", mode: 0o644, data }], { mtime: EPOCH }));
          return { platform, tar };
        });
        const img = await buildImage({ config: cfg, variant, rootfs, outDir: dir, sourceDateEpoch: EPOCH, log: silentLogger });
        layouts.push({
          variant: variant.name,
          engine: "oci",
          layout: img.layout,
          ref: img.ref,
          index: img.index,
          manifests: img.manifests.map((m) => ({ ...m, uncompressedSize: 0 })),
          seconds: 0,
        });
      }
      builds[which] = { layouts, images: [], out: join(work, which) } as unknown as BuildResult;
    }
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  /** The older release 2.0.0, published straight to the registry, every tag on its indexes. */
  async function olderRelease(repo: string): Promise<TagResult> {
    const tags = release("2.0.0", ["v2.0.0"]);
    await publish({
      build: builds.old,
      config: cfg,
      image: `${UPSTREAM.host}:${UPSTREAM.port}/${repo}`,
      tags,
      log: silentLogger,
      registry: HERMETIC,
    });
    return tags;
  }

  it("retries a stalled request and the publish succeeds", async () => {
    let heads = 0;
    const proxy = await startProxy({ fault: (req) => (req.method === "HEAD" && ++heads === 2 ? "stall" : undefined) });
    try {
      const repo = newRepo();
      const tags = release("2.1.0", ["v2.1.0"]);
      const registry = { ...HERMETIC, timeoutMs: 1000, retry: { ...FAST, attempts: 3 } };
      const result = await publish({
        build: builds.new,
        config: cfg,
        image: `${proxy.registry}/${repo}`,
        tags,
        log: silentLogger,
        registry,
      });
      assert.equal(proxy.seen.filter((s) => s.outcome === "stall").length, 1);
      const targets = await tagTargets(repo, tags);
      for (const m of tagOrder(tags)) assert.equal(targets.get(m.tag), indexOf(builds.new, m.variant), m.tag);
      assert.deepEqual(
        result.variants.map((v) => v.index),
        cfg.variants.map((v) => indexOf(builds.new, v.name)),
      );
    } finally {
      await proxy.close();
    }
  });

  it("a failure in the tag phase leaves no moving tag ahead of its exact tag, lists the tags moved, and a re-run completes them", async () => {
    const repo = newRepo();
    const old = await olderRelease(repo);
    const tags = release("2.1.0", ["v2.0.0", "v2.1.0"]);
    const failing = "2"; // the default variant's major tag: after every exact tag and the X.Y tags
    const proxy = await startProxy({
      fault: (req) => (req.method === "PUT" && req.url?.endsWith(`/manifests/${failing}`) ? "503" : undefined),
    });
    try {
      const image = `${proxy.registry}/${repo}`;
      const registry = { ...HERMETIC, retry: FAST };
      let caught: TagPhaseError | undefined;
      await assert.rejects(publish({ build: builds.new, config: cfg, image, tags, log: silentLogger, registry }), (err: unknown) => {
        assert.ok(err instanceof TagPhaseError, String(err));
        caught = err;
        return true;
      });
      const e = caught!;
      assert.match(
        e.message,
        new RegExp(`tagging .* stopped at ${failing} \\(standard\\): put manifest .*:${failing} failed after 2 attempts: .*503`),
      );
      assert.match(e.message, /\n {2}moved \(9\): 2\.1\.0-minimal, 2\.1\.0, 2\.1\.0-standard, 2\.1\.0-extended, 2\.1-minimal, /);
      assert.match(e.message, /\n {2}not moved \(7\): 2, 2-standard, 2-extended, /);
      assert.match(e.message, /run the same publish again/);
      const moved = e.moved.map((m) => m.tag);
      const notMoved = e.notMoved.map((m) => m.tag);
      assert.deepEqual(
        [...moved, ...notMoved].sort(),
        tagOrder(tags)
          .map((m) => m.tag)
          .sort(),
        "every tag is listed once",
      );
      for (const exact of ["2.1.0", "2.1.0-minimal", "2.1.0-standard", "2.1.0-extended"]) assert.ok(moved.includes(exact), exact);
      for (const moving of ["2", "2-extended", "latest", "minimal", "standard", "extended"]) assert.ok(notMoved.includes(moving), moving);

      // What the registry holds matches the lists, and no moving tag is ahead of its exact tag.
      const targets = await tagTargets(repo, tags);
      const oldTargets = new Map(tagOrder(old).map((m) => [m.tag, indexOf(builds.old, m.variant)]));
      for (const m of tagOrder(tags)) {
        const want = moved.includes(m.tag) ? indexOf(builds.new, m.variant) : oldTargets.get(m.tag);
        assert.equal(targets.get(m.tag), want, `${m.tag} (${moved.includes(m.tag) ? "moved" : "not moved"})`);
        if (!m.exact && targets.get(m.tag) === indexOf(builds.new, m.variant)) {
          const exact = m.variant === "standard" ? "2.1.0" : `2.1.0-${m.variant}`;
          assert.equal(targets.get(exact), indexOf(builds.new, m.variant), `${m.tag} moved before ${exact}`);
        }
      }

      // The fault gone, the same publish moves the rest.
      await publish({
        build: builds.new,
        config: cfg,
        image: `${UPSTREAM.host}:${UPSTREAM.port}/${repo}`,
        tags,
        log: silentLogger,
        registry,
      });
      const after = await tagTargets(repo, tags);
      for (const m of tagOrder(tags)) assert.equal(after.get(m.tag), indexOf(builds.new, m.variant), m.tag);
    } finally {
      await proxy.close();
    }
  });

  /** Each platform of the new build pushed by digest to `upstream`, as the platform jobs do; their digest files. */
  async function pushPlatforms(upstream: string): Promise<string[]> {
    const files: string[] = [];
    for (const platform of cfg.platforms) {
      const dir = join(work, "digests", repoCount.toString(), platform.replace("/", "-"));
      await publishByDigest({
        build: builds.new,
        config: cfg,
        image: upstream,
        platform,
        digestsDir: dir,
        log: silentLogger,
        registry: HERMETIC,
      });
      files.push(...cfg.variants.map((v) => join(dir, `${v.name}-${platform.split("/")[1]}.json`)));
    }
    return files;
  }

  it("merge: every variant's index before any tag; a failed tag lists the moved ones, and a re-run completes them", async () => {
    const repo = newRepo();
    const upstream = `${UPSTREAM.host}:${UPSTREAM.port}/${repo}`;
    const files = await pushPlatforms(upstream);
    const tags = release("2.1.0", ["v2.1.0"]);
    const proxy = await startProxy({
      fault: (req) => (req.method === "PUT" && req.url?.endsWith("/manifests/latest") ? "503" : undefined),
    });
    try {
      const image = `${proxy.registry}/${repo}`;
      await assert.rejects(merge({ image, files, tags, log: silentLogger, registry: { ...HERMETIC, retry: FAST } }), (err: unknown) => {
        assert.ok(err instanceof TagPhaseError, String(err));
        assert.match(err.message, /stopped at latest \(standard\)/);
        assert.ok(err.moved.some((m) => m.tag === "2.1.0-extended"));
        assert.deepEqual(
          err.notMoved.map((m) => m.tag),
          ["latest", "standard", "extended"],
        );
        return true;
      });
      const puts = proxy.seen.filter((x) => x.method === "PUT").map((x) => x.path.replace(/^.*\/manifests\//, ""));
      const firstTag = puts.findIndex((t) => !t.startsWith("sha256:"));
      assert.equal(puts.slice(0, firstTag).length, cfg.variants.length, "every variant's index went in before the first tag");
      assert.ok(
        puts.slice(firstTag).every((t) => !t.startsWith("sha256:")),
        "no index after a tag",
      );
      await merge({ image: upstream, files, tags, log: silentLogger, registry: HERMETIC });
      const targets = await tagTargets(repo, tags);
      const merged = new Map<string, string>();
      for (const v of cfg.variants)
        merged.set(v.name, (await direct().headManifest(repo, v.name === "standard" ? "2.1.0" : `2.1.0-${v.name}`))!.digest);
      for (const m of tagOrder(tags)) assert.equal(targets.get(m.tag), merged.get(m.variant), m.tag);
    } finally {
      await proxy.close();
    }
  });

  it("merge --defer-tags: every index by digest and no tag; the release's tag phase then moves them, a failed tag lists the moved ones, and a re-run completes them", async () => {
    const repo = newRepo();
    const old = await olderRelease(repo);
    const upstream = `${UPSTREAM.host}:${UPSTREAM.port}/${repo}`;
    const files = await pushPlatforms(upstream);
    const tags = release("2.1.0", ["v2.0.0", "v2.1.0"]);
    const onOld = async (what: string) => {
      const targets = await tagTargets(repo, old);
      for (const m of tagOrder(old)) assert.equal(targets.get(m.tag), indexOf(builds.old, m.variant), `${what}: ${m.tag} stayed on 2.0.0`);
      for (const exact of ["2.1.0", "2.1.0-minimal"])
        assert.equal(await direct().headManifest(repo, exact), undefined, `${what}: no ${exact}`);
    };

    const watch = await startProxy({ fault: () => undefined });
    let deferred;
    try {
      deferred = await merge({ image: `${watch.registry}/${repo}`, files, tags, log: silentLogger, registry: HERMETIC, deferTags: true });
      const puts = watch.seen.filter((x) => x.method === "PUT").map((x) => x.path.replace(/^.*\/manifests\//, ""));
      assert.equal(puts.length, cfg.variants.length, "one PUT per variant's index");
      assert.ok(
        puts.every((t) => t.startsWith("sha256:")),
        `every PUT by digest, no tag: ${puts.join(", ")}`,
      );
    } finally {
      await watch.close();
    }
    for (const v of deferred.variants) {
      assert.deepEqual(v.tags, [], `${v.variant}: no tag moved`);
      assert.deepEqual(v.deferredTags, tags.plans.find((p) => p.variant === v.variant)!.tags, `${v.variant}: its tags recorded`);
    }
    await onOld("after merge --defer-tags");

    // The release's tag phase on those indexes, a tag refused: the exact tags first, the rest listed.
    const proxy = await startProxy({
      fault: (req) => (req.method === "PUT" && req.url?.endsWith("/manifests/latest") ? "503" : undefined),
    });
    try {
      const image = `${proxy.registry}/${repo}`;
      await assert.rejects(
        tagPushed({ image, images: { ...deferred, image }, tags, log: silentLogger, registry: { ...HERMETIC, retry: FAST } }),
        (err: unknown) => {
          assert.ok(err instanceof TagPhaseError, String(err));
          assert.match(err.message, /stopped at latest \(standard\)/);
          assert.match(err.message, /re-run the release \(the same tag\) to move the rest/);
          assert.ok(err.moved.some((m) => m.tag === "2.1.0-extended"));
          assert.deepEqual(
            err.notMoved.map((m) => m.tag),
            ["latest", "standard", "extended"],
          );
          return true;
        },
      );
      assert.ok(
        proxy.seen.filter((x) => x.method === "PUT").every((x) => !/\/manifests\/sha256:/.test(x.path)),
        "the tag phase pushes no index: it reads them back by digest",
      );
    } finally {
      await proxy.close();
    }
    const partly = await tagTargets(repo, tags);
    for (const t of ["latest", "standard", "extended"])
      assert.equal(partly.get(t), indexOf(builds.old, t === "latest" ? "standard" : t), `${t} not moved`);

    // The fault gone, the same tag phase again: every tag on the merged index of its variant.
    const done = await tagPushed({ image: upstream, images: deferred, tags, log: silentLogger, registry: HERMETIC });
    const targets = await tagTargets(repo, tags);
    const index = new Map(deferred.variants.map((v) => [v.variant, v.index]));
    for (const m of tagOrder(tags)) assert.equal(targets.get(m.tag), index.get(m.variant), m.tag);
    for (const v of done.variants) {
      assert.deepEqual(v.tags, tags.plans.find((p) => p.variant === v.variant)!.tags);
      assert.equal(v.deferredTags, undefined);
      assert.ok(v.references.includes(`${upstream}:${v.tags[0]}`));
    }
  });

  it("a failure before the tag phase (a later variant's index) leaves every tag of every variant on the older release", async () => {
    const repo = newRepo();
    const old = await olderRelease(repo);
    const lastIndex = indexOf(builds.new, cfg.variants.at(-1)!.name);
    const proxy = await startProxy({
      fault: (req) => (req.method === "PUT" && req.url?.endsWith(`/manifests/${lastIndex}`) ? "503" : undefined),
    });
    try {
      const tags = release("2.1.0", ["v2.0.0", "v2.1.0"]);
      await assert.rejects(
        publish({
          build: builds.new,
          config: cfg,
          image: `${proxy.registry}/${repo}`,
          tags,
          log: silentLogger,
          registry: { ...HERMETIC, retry: FAST },
        }),
        new RegExp(`put manifest .*:${lastIndex} failed after 2 attempts`),
      );
      assert.equal(proxy.seen.filter((s) => s.method === "PUT" && /\/manifests\/(?!sha256:)/.test(s.path)).length, 0, "no tag was pushed");
      const targets = await tagTargets(repo, old);
      for (const m of tagOrder(old)) assert.equal(targets.get(m.tag), indexOf(builds.old, m.variant), `${m.tag} stayed on 2.0.0`);
      for (const exact of ["2.1.0", "2.1.0-minimal"])
        assert.equal(await direct().headManifest(repo, exact), undefined, `${exact} was not made`);
      // The earlier variants' content is in by digest, so a re-run only has what is missing to push.
      assert.ok(await direct().headManifest(repo, indexOf(builds.new, cfg.variants[0]!.name)));
    } finally {
      await proxy.close();
    }
  });
});
