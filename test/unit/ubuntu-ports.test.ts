/**
 * Ubuntu's ports mirror for arm64, on a temporary apt folder modelled on Ubuntu's own files (host
 * names shaped like Ubuntu's but under example TLDs). Never the real /etc/apt.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseMirrorList, readAptSources, type AptEntry } from "../../src/lib/apt-sources.js";
import { ensureUbuntuPorts, planUbuntuPorts, portsUriFor, readAptFolder, servesFromPorts } from "../../src/doctor/ubuntu-ports.js";

const ARCHIVE = "http://archive.ubuntu.example/ubuntu/";
const SECURITY = "http://security.ubuntu.example/ubuntu/";
const PORTS = "http://ports.ubuntu.example/ubuntu-ports/";
const KEYRING = "/usr/share/keyrings/ubuntu-archive-keyring.gpg";

/** /etc/apt/sources.list.d/ubuntu.sources as Ubuntu 24.04's cloud images ship it (comments shortened), plus a disabled paragraph. */
function ubuntuSources(archive = ARCHIVE, security = SECURITY): string {
  return [
    "## Note, this file is written by cloud-init on first boot of an instance",
    "## modifications made here will not survive a re-bundle.",
    "",
    "## Ubuntu distribution repository",
    "##",
    "## Types: Append deb-src to enable the fetching of source package.",
    "Types: deb",
    `URIs: ${archive}`,
    "Suites: noble noble-updates noble-backports",
    "Components: main restricted universe multiverse",
    `Signed-By: ${KEYRING}`,
    "",
    "## Ubuntu security updates. Aside from URIs and Suites,",
    "## this should mirror your choices in the previous section.",
    "Types: deb",
    `URIs: ${security}`,
    "Suites: noble-security",
    "Components: main restricted universe multiverse",
    `Signed-By: ${KEYRING}`,
    "",
    "Types: deb",
    `URIs: ${archive}`,
    "Suites: noble-proposed",
    "Components: main",
    "Enabled: no",
    `Signed-By: ${KEYRING}`,
    "",
  ].join("\n");
}

/** Ubuntu 24.04's /etc/apt/sources.list: only a pointer to ubuntu.sources. */
const MOVED = [
  "# Ubuntu sources have moved to the /etc/apt/sources.list.d/ubuntu.sources",
  "# file, which uses the deb822 format. Use deb822-formatted .sources files",
  "# to manage package sources in the /etc/apt/sources.list.d/ directory.",
  "# See the sources.list(5) manual page for details.",
  "",
].join("\n");

/** A third-party source as hosted runners carry: arm64 listed, but not Ubuntu's ports mirror. */
const THIRD_PARTY = "deb [arch=amd64,armhf,arm64] https://packages.example.test/ubuntu/24.04/prod noble main\n";

const HEADER = [
  "# Written by kimigayo doctor --fix: Ubuntu serves arm64 packages from its ports mirror, derived",
  "# from this machine's archive entries (which now name the architectures they serve).",
];

function portsFile(paragraphs: string[][]): string {
  return [...HEADER, paragraphs.map((p) => p.join("\n")).join("\n\n"), ""].join("\n");
}

const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A temporary apt folder holding these files (paths relative to it). */
function aptFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kimigayo-ubuntu-ports-"));
  tempDirs.push(dir);
  mkdirSync(join(dir, "sources.list.d"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o644 });
  return dir;
}

/** Every file under the folder, by relative path. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = join(rel, name);
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else out[path] = readFileSync(join(dir, path), "utf8");
    }
  };
  walk("");
  return out;
}

const isPorts = (e: AptEntry) => e.uris.some((u) => u.includes("/ubuntu-ports"));

/**
 * What apt would ask for arm64 after the change: a ports entry serving arm64, and no Ubuntu
 * archive or security entry without an architecture list that leaves arm64 out.
 */
function assertArm64FromPortsOnly(dir: string, archiveArchs = "amd64"): void {
  const entries = readAptSources(dir).filter((e) => e.types.includes("deb"));
  assert.ok(
    entries.some((e) => isPorts(e) && e.options.architectures === "arm64"),
    "an entry serves arm64 from the ports mirror",
  );
  for (const e of entries.filter((x) => !isPorts(x) && x.uris.some((u) => !u.includes("packages.example.test")))) {
    assert.equal(
      e.options.architectures,
      archiveArchs,
      `${e.file} ${e.uris.join(" ")} ${e.suites.join(" ")} is limited to ${archiveArchs}`,
    );
  }
}

function ensure(dir: string, architectures = ["amd64"]): string[] | undefined {
  return ensureUbuntuPorts({ aptDir: dir, architectures, foreign: "arm64" });
}

describe("portsUriFor", () => {
  const rows: [string, string | undefined][] = [
    [ARCHIVE, PORTS],
    ["http://archive.ubuntu.example/ubuntu", PORTS],
    ["http://azure.archive.ubuntu.example/ubuntu/", PORTS],
    ["http://us.archive.ubuntu.example/ubuntu/", PORTS],
    [SECURITY, PORTS],
    ["https://archive.ubuntu.example:8443/ubuntu/", "https://ports.ubuntu.example:8443/ubuntu-ports/"],
    ["http://mirror.example.org/ubuntu/", undefined],
    ["http://archive.example.org/ubuntu/", undefined],
    ["http://archive.ubuntu.example/debian/", undefined],
    ["http://archive.ubuntu/ubuntu/", undefined],
    ["ftp://archive.ubuntu.example/ubuntu/", undefined],
    ["mirror+file:/etc/apt/apt-mirrors.txt", undefined],
  ];
  for (const [uri, want] of rows) it(`${uri} → ${want ?? "none"}`, () => assert.equal(portsUriFor(uri), want));
});

describe("parseMirrorList", () => {
  it("reads one URI a line, ignoring metadata after a tab and comments", () => {
    assert.deepEqual(parseMirrorList(`# mirrors\nhttp://a.example/ubuntu/\tpriority:1\n\nhttps://b.example/ubuntu/\tpriority:2 # x\n`), [
      "http://a.example/ubuntu/",
      "https://b.example/ubuntu/",
    ]);
  });
});

describe("the ports mirror for arm64 on an amd64 Ubuntu", () => {
  it("Ubuntu 24.04's deb822 sources: Architectures on the enabled archive and security paragraphs, a ports file with every suite", () => {
    const dir = aptFolder({ "sources.list": MOVED, "sources.list.d/ubuntu.sources": ubuntuSources() });
    const actions = ensure(dir);
    const sources = join(dir, "sources.list.d", "ubuntu.sources");
    const ports = join(dir, "sources.list.d", "kimigayo-ubuntu-ports.sources");
    assert.deepEqual(actions, [`added Architectures: amd64 to ${sources} (2 entries)`, `wrote ${ports} (arm64 from ${PORTS})`]);
    const expected = ubuntuSources()
      .split("\n")
      .flatMap((line, i, all) =>
        line === "Types: deb" && !all.slice(i, i + 6).includes("Enabled: no") ? [line, "Architectures: amd64"] : [line],
      )
      .join("\n");
    assert.deepEqual(snapshot(dir), {
      "sources.list": MOVED,
      "sources.list.d/kimigayo-ubuntu-ports.sources": portsFile([
        [
          "Types: deb",
          `URIs: ${PORTS}`,
          "Suites: noble noble-updates noble-backports noble-security",
          "Components: main restricted universe multiverse",
          "Architectures: arm64",
          `Signed-By: ${KEYRING}`,
        ],
      ]),
      "sources.list.d/ubuntu.sources": expected,
    });
    // The disabled paragraph is as it was; the two enabled ones say amd64.
    assert.match(
      expected,
      /Types: deb\nArchitectures: amd64\nURIs: http:\/\/archive\.ubuntu\.example\/ubuntu\/\nSuites: noble noble-updates/,
    );
    assert.match(expected, /Types: deb\nArchitectures: amd64\nURIs: http:\/\/security\.ubuntu\.example\/ubuntu\/\nSuites: noble-security/);
    assert.match(expected, /Types: deb\nURIs: [^\n]+\nSuites: noble-proposed\nComponents: main\nEnabled: no\n/);
    assert.equal(statSync(ports).mode & 0o777, 0o644);
    assert.equal(statSync(sources).mode & 0o777, 0o644);
    assertArm64FromPortsOnly(dir);

    const before = snapshot(dir);
    assert.deepEqual(ensure(dir), []);
    assert.deepEqual(snapshot(dir), before, "a second run changes nothing");
  });

  it("GitHub's hosted runner: the archive goes through a local mirror list, security through a regional mirror", () => {
    const dir = aptFolder({ "sources.list": MOVED });
    const list = join(dir, "apt-mirrors.txt");
    writeFileSync(
      list,
      "http://azure.archive.ubuntu.example/ubuntu/\tpriority:1\nhttps://archive.ubuntu.example/ubuntu/\tpriority:2\nhttps://security.ubuntu.example/ubuntu/\tpriority:3\n",
    );
    const original = ubuntuSources(`mirror+file:${list}`, "http://azure.archive.ubuntu.example/ubuntu/");
    writeFileSync(join(dir, "sources.list.d", "ubuntu.sources"), original);
    writeFileSync(join(dir, "sources.list.d", "third-party.list"), THIRD_PARTY);

    assert.equal(ensure(dir)?.length, 2);
    const after = snapshot(dir);
    assert.equal(after["apt-mirrors.txt"], readFileSync(list, "utf8"));
    assert.equal(after["sources.list.d/third-party.list"], THIRD_PARTY, "other sources are left alone");
    assert.equal(
      after["sources.list.d/ubuntu.sources"],
      original
        .replace(`Types: deb\nURIs: mirror+file:`, `Types: deb\nArchitectures: amd64\nURIs: mirror+file:`)
        .replace(
          "Types: deb\nURIs: http://azure.archive.ubuntu.example/ubuntu/\nSuites: noble-security",
          "Types: deb\nArchitectures: amd64\nURIs: http://azure.archive.ubuntu.example/ubuntu/\nSuites: noble-security",
        ),
    );
    assert.equal(
      after["sources.list.d/kimigayo-ubuntu-ports.sources"],
      portsFile([
        [
          "Types: deb",
          `URIs: ${PORTS}`,
          "Suites: noble noble-updates noble-backports noble-security",
          "Components: main restricted universe multiverse",
          "Architectures: arm64",
          `Signed-By: ${KEYRING}`,
        ],
      ]),
    );
    assertArm64FromPortsOnly(dir);
    assert.deepEqual(ensure(dir), []);
    assert.deepEqual(snapshot(dir), after);
  });

  it("the one-line sources.list of older images, from a regional mirror, with i386 enabled", () => {
    const regional = "http://us.archive.ubuntu.example/ubuntu/";
    const original = [
      "# See the sources.list(5) manual page for how to upgrade to",
      "# newer versions of the distribution.",
      `deb ${regional} jammy main restricted`,
      `# deb-src ${regional} jammy main restricted`,
      "",
      "## Major bug fix updates produced after the final release of the",
      "## distribution.",
      `deb ${regional} jammy-updates main restricted`,
      `  deb ${regional} jammy universe # with a comment`,
      `deb-src ${regional} jammy universe`,
      `deb [ signed-by=/usr/share/keyrings/extra.gpg ] ${regional} jammy-backports main universe`,
      "deb http://security.ubuntu.example/ubuntu jammy-security main restricted",
      "",
    ].join("\n");
    const dir = aptFolder({ "sources.list": original });
    assert.deepEqual(ensure(dir, ["amd64", "i386"]), [
      `added [arch=amd64,i386] to ${join(dir, "sources.list")} (5 entries)`,
      `wrote ${join(dir, "sources.list.d", "kimigayo-ubuntu-ports.sources")} (arm64 from ${PORTS})`,
    ]);
    assert.deepEqual(snapshot(dir), {
      "sources.list": [
        "# See the sources.list(5) manual page for how to upgrade to",
        "# newer versions of the distribution.",
        `deb [arch=amd64,i386] ${regional} jammy main restricted`,
        `# deb-src ${regional} jammy main restricted`,
        "",
        "## Major bug fix updates produced after the final release of the",
        "## distribution.",
        `deb [arch=amd64,i386] ${regional} jammy-updates main restricted`,
        `  deb [arch=amd64,i386] ${regional} jammy universe # with a comment`,
        `deb-src ${regional} jammy universe`,
        `deb [ arch=amd64,i386 signed-by=/usr/share/keyrings/extra.gpg ] ${regional} jammy-backports main universe`,
        "deb [arch=amd64,i386] http://security.ubuntu.example/ubuntu jammy-security main restricted",
        "",
      ].join("\n"),
      "sources.list.d/kimigayo-ubuntu-ports.sources": portsFile([
        [
          "Types: deb",
          `URIs: ${PORTS}`,
          "Suites: jammy jammy-updates jammy-security",
          "Components: main restricted universe",
          "Architectures: arm64",
        ],
        [
          "Types: deb",
          `URIs: ${PORTS}`,
          "Suites: jammy-backports",
          "Components: main universe",
          "Architectures: arm64",
          "Signed-By: /usr/share/keyrings/extra.gpg",
        ],
      ]),
    });
    assertArm64FromPortsOnly(dir, "amd64 i386");
    const before = snapshot(dir);
    assert.deepEqual(ensure(dir, ["amd64", "i386"]), []);
    assert.deepEqual(snapshot(dir), before);
  });

  it("archive entries that already name their architectures are kept; only the ports file is written", () => {
    const original = ubuntuSources().replaceAll("Types: deb\n", "Types: deb\nArchitectures: amd64\n");
    const dir = aptFolder({ "sources.list.d/ubuntu.sources": original });
    assert.deepEqual(ensure(dir), [`wrote ${join(dir, "sources.list.d", "kimigayo-ubuntu-ports.sources")} (arm64 from ${PORTS})`]);
    assert.equal(readFileSync(join(dir, "sources.list.d", "ubuntu.sources"), "utf8"), original);
    assertArm64FromPortsOnly(dir);
  });

  it("an existing ports entry in any file means nothing to do", () => {
    const byHand = `Types: deb\nURIs: ${PORTS}\nSuites: noble noble-updates noble-security\nComponents: main universe\nArchitectures: arm64\nSigned-By: ${KEYRING}\n`;
    const dir = aptFolder({
      "sources.list": MOVED,
      "sources.list.d/ubuntu.sources": ubuntuSources(),
      "sources.list.d/arm64.sources": byHand,
    });
    const before = snapshot(dir);
    assert.deepEqual(ensure(dir), []);
    assert.deepEqual(snapshot(dir), before);
    const folder = readAptFolder(dir);
    assert.equal(servesFromPorts(readAptSources(dir), "arm64", folder.mirrorLists)?.file, join(dir, "sources.list.d", "arm64.sources"));
  });

  it("a disabled ports entry or one for another architecture does not count", () => {
    const disabled = `Types: deb\nURIs: ${PORTS}\nSuites: noble\nComponents: main\nEnabled: no\n\nTypes: deb\nURIs: ${PORTS}\nSuites: noble\nComponents: main\nArchitectures: riscv64\n`;
    const dir = aptFolder({ "sources.list.d/ubuntu.sources": ubuntuSources(), "sources.list.d/old.sources": disabled });
    assert.equal(ensure(dir)?.length, 2);
    assertArm64FromPortsOnly(dir);
  });

  it("says it cannot when no entry has the structure of Ubuntu's archive, and writes nothing", () => {
    const dir = aptFolder({
      "sources.list": "deb http://mirror.example.org/ubuntu/ noble main\n",
      "sources.list.d/third-party.list": THIRD_PARTY,
    });
    const before = snapshot(dir);
    assert.equal(ensure(dir), undefined);
    assert.deepEqual(snapshot(dir), before);
    assert.equal(planUbuntuPorts({ aptDir: dir, sources: [], mirrorLists: {} }, { architectures: ["amd64"], foreign: "arm64" }), undefined);
  });

  it("plans without touching the disk", () => {
    const sources = [{ file: "/etc/apt/sources.list.d/ubuntu.sources", text: ubuntuSources() }];
    const edits = planUbuntuPorts({ aptDir: "/etc/apt", sources, mirrorLists: {} }, { architectures: ["amd64"], foreign: "arm64" });
    assert.deepEqual(
      edits?.map((e) => e.file),
      ["/etc/apt/sources.list.d/ubuntu.sources", "/etc/apt/sources.list.d/kimigayo-ubuntu-ports.sources"],
    );
  });
});
