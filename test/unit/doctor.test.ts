import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseDeb822, parseOneLine, readAptSources } from "../../src/lib/apt-sources.js";
import { parseBinfmtEntry, tinyArm64Exit42 } from "../../src/doctor/binfmt.js";
import { probeRegistry, registryConfig } from "../../src/doctor/services.js";
import { debSrcSidEntry, findDebSrcSid, splitDebianVersion } from "../../src/doctor/debian-source.js";
import { doctor, formatDoctor, orderPrerequisites } from "../../src/doctor/doctor.js";
import { PREREQUISITES } from "../../src/doctor/prerequisites.js";
import type { DoctorResult, Prerequisite } from "../../src/doctor/types.js";
import { UsageError } from "../../src/lib/errors.js";
import { silentLogger } from "../../src/lib/log.js";

describe("formatDoctor", () => {
  it("prints one line per passing item and the fix hint under a failing one", () => {
    const r: DoctorResult = {
      ok: false,
      items: [
        { id: "a", title: "build tools", ok: true, detail: "make 4.3, gcc 12.2.0", fixHint: "apt-get install make", fixed: [] },
        { id: "b", title: "skopeo", ok: false, detail: "missing skopeo (skopeo)", fixHint: "apt-get install skopeo", fixed: [] },
      ],
    };
    assert.equal(
      formatDoctor(r),
      ["✓ build tools — make 4.3, gcc 12.2.0", "✗ skopeo — missing skopeo (skopeo)", "    fix: apt-get install skopeo"].join("\n"),
    );
  });
});

describe("orderPrerequisites", () => {
  const p = (id: string, needs?: string[]): Prerequisite => ({
    id,
    title: id,
    ...(needs ? { needs } : {}),
    fixHint: "",
    check: () => Promise.resolve({ ok: true, detail: "" }),
  });
  const ids = (list: Prerequisite[]) => list.map((x) => x.id);

  const rows: { name: string; list: Prerequisite[]; only?: string[]; want: string[] }[] = [
    { name: "keeps table order without needs", list: [p("a"), p("b"), p("c")], want: ["a", "b", "c"] },
    { name: "moves a need before its user", list: [p("dockerd", ["client"]), p("client")], want: ["client", "dockerd"] },
    { name: "follows needs transitively", list: [p("c", ["b"]), p("b", ["a"]), p("a")], want: ["a", "b", "c"] },
    { name: "only: adds what the chosen ones need", list: [p("a"), p("b"), p("c", ["a"])], only: ["c"], want: ["a", "c"] },
    { name: "only: keeps table order of the chosen", list: [p("a"), p("b"), p("c")], only: ["c", "a"], want: ["a", "c"] },
  ];
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(ids(orderPrerequisites(row.list, row.only)), row.want));
  }

  it("rejects a cycle", () => assert.throws(() => orderPrerequisites([p("a", ["b"]), p("b", ["a"])]), /cycle: a → b → a/));
  it("rejects an unknown need", () => assert.throws(() => orderPrerequisites([p("a", ["zzz"])]), /needs unknown "zzz"/));
  it("rejects an unknown id in only", () => assert.throws(() => orderPrerequisites([p("a")], ["nope"]), UsageError));

  it("the real table puts every need first", () => {
    const order = ids(orderPrerequisites(PREREQUISITES));
    for (const pre of PREREQUISITES) {
      for (const need of pre.needs ?? []) assert.ok(order.indexOf(need) < order.indexOf(pre.id), `${need} before ${pre.id}`);
    }
    assert.deepEqual([...order].sort(), [
      "binfmt",
      "build-tools",
      "buildx",
      "busybox-static",
      "cross-arm64",
      "docker-client",
      "dockerd",
      "gpgv",
      "musl-amd64",
      "registry",
      "skopeo",
      "toolchain",
    ]);
  });
});

describe("doctor without --fix on this machine", () => {
  it("reports every prerequisite with a detail", async () => {
    const r = await doctor({ fix: false, log: silentLogger });
    assert.deepEqual(
      r.items.map((i) => i.id),
      orderPrerequisites(PREREQUISITES).map((p) => p.id),
    );
    for (const item of r.items) {
      assert.ok(item.detail.trim().length > 0, `${item.id} has a detail`);
      assert.ok(item.fixHint.trim().length > 0, `${item.id} has a fix hint`);
      assert.deepEqual(item.fixed, [], `${item.id} took no action`);
    }
    assert.equal(
      r.ok,
      r.items.every((i) => i.ok),
    );
  });

  it("checks only what was asked, plus its needs", async () => {
    const r = await doctor({ fix: false, only: ["dockerd"], log: silentLogger });
    assert.deepEqual(
      r.items.map((i) => i.id),
      ["docker-client", "dockerd"],
    );
  });
});

describe("registry config", () => {
  it("serves 127.0.0.1:5000 from /var/lib/kimigayo-registry with delete enabled", () => {
    assert.equal(
      registryConfig(),
      [
        "# Written by `kimigayo doctor --fix`: the local registry the pipeline pushes to.",
        "version: 0.1",
        "log:",
        "  level: info",
        "storage:",
        "  filesystem:",
        "    rootdirectory: /var/lib/kimigayo-registry",
        "  delete:",
        "    enabled: true",
        "http:",
        "  addr: 127.0.0.1:5000",
        "  headers:",
        "    X-Content-Type-Options: [nosniff]",
        "",
      ].join("\n"),
    );
  });
});

describe("probeRegistry", () => {
  async function listen(server: Server): Promise<string> {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  async function withHttp(status: number, headers: Record<string, string>, probe: (addr: string) => Promise<void>) {
    const server = createHttpServer((_req, res) => res.writeHead(status, headers).end("{}"));
    try {
      await probe(await listen(server));
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }
  const API = { "Docker-Distribution-Api-Version": "registry/2.0" };

  it("accepts 200 with the distribution API header", () =>
    withHttp(200, API, async (addr) => assert.equal((await probeRegistry(addr)).state, "ok")));
  it("refuses a registry that wants authentication", () =>
    withHttp(401, API, async (addr) => assert.match((await probeRegistry(addr)).detail, /requires authentication/)));
  it("says when something else holds the port", () =>
    withHttp(404, {}, async (addr) => {
      const p = await probeRegistry(addr);
      assert.equal(p.state, "taken");
      assert.match(p.detail, /is held by something that is not a registry .*HTTP 404/);
    }));
  it("says when the port holder does not speak HTTP", async () => {
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => {
      sockets.push(socket);
      socket.end("SSH-2.0-nope\r\n");
    });
    const addr = await listen(server);
    try {
      const p = await probeRegistry(addr);
      assert.equal(p.state, "taken", p.detail);
      assert.match(p.detail, /does not answer like a registry/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
  it("gives up on a holder that never answers", async () => {
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => void sockets.push(socket));
    const addr = await listen(server);
    try {
      assert.match((await probeRegistry(addr, 300)).detail, /no answer within 0.3 s/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
  it("says when nothing listens", async () => {
    const server = createTcpServer();
    const addr = await listen(server);
    await new Promise((r) => server.close(r));
    assert.deepEqual(await probeRegistry(addr), { state: "free", detail: `nothing listens on ${addr}` });
  });
});

describe("binfmt", () => {
  it("parses a kernel entry", () => {
    const text = "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\noffset 0\nmagic 7f454c46\n";
    assert.deepEqual(parseBinfmtEntry(text), { enabled: true, interpreter: "/usr/libexec/qemu-binfmt/aarch64-binfmt-P", flags: "PF" });
    assert.deepEqual(parseBinfmtEntry("disabled\ninterpreter /x\n"), { enabled: false, interpreter: "/x" });
  });

  it("the probe program is an arm64 ELF that binfmt's qemu-aarch64 mask accepts", () => {
    const elf = tinyArm64Exit42();
    // magic and mask as qemu-user-static registers them
    const magic = Buffer.from("7f454c460201010000000000000000000200b700", "hex");
    const mask = Buffer.from("ffffffffffffff00fffffffffffffffffeffffff", "hex");
    for (let i = 0; i < magic.length; i++) assert.equal((elf[i] ?? 0) & (mask[i] ?? 0), magic[i], `byte ${i}`);
    assert.equal(elf.length, 132);
  });
});

describe("apt sources", () => {
  const debianSources = [
    "Types: deb",
    "# http://snapshot.example.org/archive/debian/20250520T000000Z",
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

  it("parses deb822, skipping comments and disabled entries, keeping multi-line fields", () => {
    const text = `${debianSources}\nTypes: deb-src\nURIs: http://x\nSuites: sid\nComponents: main\nEnabled: no\n\nTypes: deb\nURIs: http://y\nSuites: trixie\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n`;
    const entries = parseDeb822(text, "f.sources");
    assert.equal(entries.length, 3);
    assert.deepEqual(entries[0]?.suites, ["bookworm", "bookworm-updates"]);
    assert.equal(entries[0]?.options["signed-by"], "/usr/share/keyrings/debian-archive-keyring.gpg");
    assert.equal(entries[2]?.options["signed-by"], "\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc");
  });

  it("parses one-line entries with options", () => {
    const entries = parseOneLine(
      "# comment\ndeb [arch=amd64,i386 signed-by=/k.gpg] http://mirror.example.org/debian bookworm main contrib\ndeb-src http://mirror.example.org/debian sid main # x\n",
      "sources.list",
    );
    assert.deepEqual(entries[0], {
      file: "sources.list",
      types: ["deb"],
      uris: ["http://mirror.example.org/debian"],
      suites: ["bookworm"],
      components: ["main", "contrib"],
      options: { architectures: "amd64 i386", "signed-by": "/k.gpg" },
    });
    assert.equal(findDebSrcSid(entries)?.file, "sources.list");
  });

  it("finds an existing deb-src sid entry under any file name, and writes a new one from debian.sources", () => {
    const dir = mkdtempSync(join(tmpdir(), "kimigayo-apt-"));
    try {
      mkdirSync(join(dir, "sources.list.d"));
      writeFileSync(join(dir, "sources.list.d", "debian.sources"), debianSources);
      assert.equal(findDebSrcSid(readAptSources(dir)), undefined);
      assert.equal(
        debSrcSidEntry(dir),
        [
          "# Written by kimigayo: Debian sid source packages, for the BusyBox upstream tarball.",
          "Types: deb-src",
          "URIs: http://mirror.example.org/debian",
          "Suites: sid",
          "Components: main",
          "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
          "",
        ].join("\n"),
      );
      writeFileSync(
        join(dir, "sources.list.d", "by-hand.sources"),
        "Types: deb-src\nURIs: http://mirror.example.org/debian\nSuites: sid\nComponents: main\n",
      );
      assert.equal(findDebSrcSid(readAptSources(dir))?.file, join(dir, "sources.list.d", "by-hand.sources"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("falls back to the first deb line of sources.list", () => {
    const dir = mkdtempSync(join(tmpdir(), "kimigayo-apt-"));
    try {
      writeFileSync(join(dir, "sources.list"), "deb [signed-by=/usr/share/keyrings/k.gpg] http://mirror.example/debian bookworm main\n");
      assert.match(
        debSrcSidEntry(dir),
        /^URIs: http:\/\/mirror\.example\/debian\nSuites: sid\nComponents: main\nSigned-By: \/usr\/share\/keyrings\/k\.gpg\n$/m,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("splits Debian versions", () => {
    assert.deepEqual(splitDebianVersion("1:1.38.0-3"), { upstream: "1.38.0", noEpoch: "1.38.0-3" });
    assert.deepEqual(splitDebianVersion("2.8.2+ds1-1"), { upstream: "2.8.2+ds1", noEpoch: "2.8.2+ds1-1" });
    assert.deepEqual(splitDebianVersion("5.0"), { upstream: "5.0", noEpoch: "5.0" });
  });
});
