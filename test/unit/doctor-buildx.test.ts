import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  BUILDX_PACKAGES,
  ensureTrixieSource,
  isDebian12,
  mergeDaemonJson,
  TRIXIE_PIN_FILE,
  TRIXIE_SOURCES_FILE,
  trixiePin,
  trixieSourcesEntry,
} from "../../src/doctor/buildx.js";
import { parseDeb822 } from "../../src/lib/apt-sources.js";
import { PREREQUISITES } from "../../src/doctor/prerequisites.js";

const DEBIAN_SOURCES = [
  "Types: deb",
  "URIs: http://mirror.example.org/debian",
  "Suites: bookworm bookworm-updates",
  "Components: main",
  "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
  "",
  "Types: deb",
  "URIs: http://mirror.example.org/debian-security",
  "Suites: bookworm-security",
  "Components: main",
  "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
  "",
].join("\n");

function aptDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kimigayo-apt-"));
  mkdirSync(join(dir, "sources.list.d"));
  writeFileSync(join(dir, "sources.list.d", "debian.sources"), DEBIAN_SOURCES);
  return dir;
}

describe("doctor buildx: the trixie entry and its pin", () => {
  it("copies the system's Debian archive entry (mirror, keyring) with suite trixie", () => {
    const dir = aptDir();
    try {
      const entries = parseDeb822(trixieSourcesEntry(dir), "x.sources");
      assert.deepEqual(
        entries.map((e) => ({ types: e.types, uris: e.uris, suites: e.suites, components: e.components, key: e.options["signed-by"] })),
        [
          {
            types: ["deb"],
            uris: ["http://mirror.example.org/debian"],
            suites: ["trixie"],
            components: ["main"],
            key: "/usr/share/keyrings/debian-archive-keyring.gpg",
          },
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("pins only docker.io, docker-cli and docker-buildx to trixie; everything else from trixie never", () => {
    const paragraphs = trixiePin()
      .split("\n\n")
      .map((p) => p.split("\n").filter((l) => l !== "" && !l.startsWith("#")));
    assert.deepEqual(paragraphs, [
      ["Package: docker.io docker-cli docker-buildx", "Pin: release n=trixie", "Pin-Priority: 500"],
      ["Package: *", "Pin: release n=trixie", "Pin-Priority: -1"],
    ]);
    assert.deepEqual([...BUILDX_PACKAGES], ["docker.io", "docker-cli", "docker-buildx"]);
  });

  it("writes the pin and the entry once; a second run changes nothing", () => {
    const dir = aptDir();
    try {
      const first = ensureTrixieSource(dir);
      assert.equal(first.length, 2);
      assert.match(first[0]!, new RegExp(`wrote .*preferences.d/${TRIXIE_PIN_FILE} `), "the pin is written before the entry");
      assert.equal(readFileSync(join(dir, "sources.list.d", TRIXIE_SOURCES_FILE), "utf8"), trixieSourcesEntry(dir));
      assert.equal(readFileSync(join(dir, "preferences.d", TRIXIE_PIN_FILE), "utf8"), trixiePin());
      assert.deepEqual(ensureTrixieSource(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without a Debian entry to copy, says what to write by hand", () => {
    const dir = mkdtempSync(join(tmpdir(), "kimigayo-apt-"));
    try {
      assert.throws(() => trixieSourcesEntry(dir), /no Debian apt entry found to copy.*Suites: trixie.*kimigayo-trixie/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("doctor buildx: daemon.json", () => {
  const rows: { name: string; text: string | undefined; want: unknown; changed: boolean }[] = [
    { name: "no file", text: undefined, want: { features: { "containerd-snapshotter": true } }, changed: true },
    { name: "an empty file", text: "  \n", want: { features: { "containerd-snapshotter": true } }, changed: true },
    {
      name: "other keys and features are kept",
      text: '{"log-level":"warn","features":{"buildkit":true},"insecure-registries":["127.0.0.1:5000"]}',
      want: {
        "log-level": "warn",
        features: { buildkit: true, "containerd-snapshotter": true },
        "insecure-registries": ["127.0.0.1:5000"],
      },
      changed: true,
    },
    {
      name: "turned off is turned on",
      text: '{"features":{"containerd-snapshotter":false}}',
      want: { features: { "containerd-snapshotter": true } },
      changed: true,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const r = mergeDaemonJson(row.text, "/x/daemon.json");
      assert.equal(r.changed, row.changed);
      assert.deepEqual(JSON.parse(r.text), row.want);
    });
  }
  it("already on: unchanged, byte for byte", () => {
    const text = '{ "features": { "containerd-snapshotter": true }, "debug": true }';
    assert.deepEqual(mergeDaemonJson(text), { text, changed: false });
  });
  for (const [text, msg] of [
    ["{not json", /\/x\/daemon.json is not valid JSON/],
    ["[1]", /\/x\/daemon.json is not a JSON object/],
    ['{"features":[]}', /"features" is not an object/],
  ] as const) {
    it(`refuses ${text}`, () => assert.throws(() => mergeDaemonJson(text, "/x/daemon.json"), msg));
  }
});

describe("doctor buildx: which hosts take the pin", () => {
  const rows: [Record<string, string>, boolean][] = [
    [{ ID: "debian", VERSION_ID: "12", VERSION_CODENAME: "bookworm" }, true],
    [{ ID: "debian", VERSION_ID: "13", VERSION_CODENAME: "trixie" }, false],
    [{ ID: "ubuntu", VERSION_ID: "24.04", VERSION_CODENAME: "noble" }, false],
    [{}, false],
  ];
  for (const [release, want] of rows)
    it(`${release.ID ?? "unknown"} ${release.VERSION_ID ?? ""}: ${want}`, () => assert.equal(isDebian12(release), want));

  it("is in doctor's table after the daemon and binfmt", () => {
    const p = PREREQUISITES.find((x) => x.id === "buildx");
    assert.ok(p);
    assert.deepEqual(p.needs, ["dockerd", "binfmt"]);
    assert.match(p.fixHint, /kimigayo doctor --fix --only buildx/);
  });
});
