/**
 * An HTTPS proxy that answers some host names itself, for tests only: how a job reaches stand-ins
 * of services whose HTTPS addresses are fixed in the code that calls them.
 *
 * Why: @actions/attest has no option or variable for its Sigstore endpoints: it signs at
 * https://fulcio.sigstore.dev and https://rekor.sigstore.dev (public repositories) or
 * https://fulcio.githubapp.com and https://timestamp.githubapp.com (private ones), fixed in its
 * endpoints.js. Changing that code, or /etc/hosts, would test something else than what runs on
 * GitHub. What its HTTP stack does honour, unchanged, is the proxy configuration every self-hosted
 * runner behind a corporate proxy uses: `https_proxy`/`no_proxy` (@sigstore/sign's
 * make-fetch-happen through @npmcli/agent; @actions/http-client) and the extra CA a TLS-inspecting
 * proxy needs, given to Node as NODE_EXTRA_CA_CERTS. So the job is set up as such a runner: this
 * proxy answers CONNECTs to the names given with a certificate for that name from its own CA
 * (generated per run, written where the runner user can read it) and hands the decrypted requests
 * to the stand-in's handler; a CONNECT to any other name is tunnelled through untouched, as a
 * proxy does (nothing else is reachable from here anyway). The code that runs is the product's,
 * its libraries' and Node's own, certificate checks included: a name without a certificate from
 * this CA, or a process without NODE_EXTRA_CA_CERTS, fails TLS as it would.
 *
 * `env` is what the job gets: HTTPS_PROXY/https_proxy, NO_PROXY/no_proxy (127.0.0.1 and
 * localhost: the other stand-ins and the registry are reached directly) and NODE_EXTRA_CA_CERTS.
 */
import "reflect-metadata";
import {
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
  type X509Certificate,
} from "@peculiar/x509";
import { webcrypto } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext, TLSSocket, type SecureContext } from "node:tls";

export interface InterceptingProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The proxy's CA certificate (PEM), readable by any user. */
  caFile: string;
  /** The variables a job behind this proxy gets. */
  env: Record<string, string>;
  /** Every CONNECT seen, "host:port", and whether it was answered here or tunnelled. */
  connects: { target: string; intercepted: boolean }[];
  /** Every request answered here: "METHOD https://host/path" and its status. */
  requests: { url: string; status: number }[];
  close(): Promise<void>;
}

const EC = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .trimEnd()}\n-----END ${label}-----\n`;

/** Starts the proxy; `hosts` maps each host name it answers itself to the handler that answers. */
export async function startInterceptingProxy(hosts: Record<string, RequestListener>): Promise<InterceptingProxy> {
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 7 * 24 * 3600_000);
  const caKeys = (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const ca: X509Certificate = await X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=kimigayo test intercepting proxy CA",
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: EC,
    extensions: [
      new BasicConstraintsExtension(true, 0, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), "kimigayo-proxy-ca-"));
  chmodSync(dir, 0o755);
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, ca.toString("pem") + "\n", { mode: 0o644 });

  const contexts = new Map<string, SecureContext>();
  let serial = 2;
  for (const host of Object.keys(hosts)) {
    const keys = (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const leaf = await X509CertificateGenerator.create({
      serialNumber: (serial++).toString(16).padStart(2, "0"),
      subject: `CN=${host}`,
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: EC,
      extensions: [
        new BasicConstraintsExtension(false),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
        new ExtendedKeyUsageExtension(["1.3.6.1.5.5.7.3.1"]),
        new SubjectAlternativeNameExtension([{ type: "dns", value: host }]),
      ],
    });
    const key = pem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
    contexts.set(host, createSecureContext({ key, cert: leaf.toString("pem") + "\n" + ca.toString("pem") }));
  }

  const connects: InterceptingProxy["connects"] = [];
  const requests: InterceptingProxy["requests"] = [];
  // The decrypted side: one HTTP server, dispatching on the Host header (which must be the name
  // whose certificate the client accepted).
  const inner = createServer((req, res) => {
    const host = (req.headers.host ?? "").replace(/:443$/, "");
    const sni = (req.socket as TLSSocket & { servername?: string }).servername;
    const handler = host === sni ? hosts[host] : undefined;
    const rec = { url: `${req.method} https://${host}${req.url}`, status: 0 };
    requests.push(rec);
    res.on("finish", () => (rec.status = res.statusCode));
    if (!handler) {
      res.writeHead(421, { "content-type": "text/plain" }).end(`misdirected: Host ${host}, TLS name ${sni ?? "none"}`);
      return;
    }
    handler(req, res);
  });

  const open = new Set<Socket>();
  const proxy: Server = createServer((_req, res) => {
    res.writeHead(405, { "content-type": "text/plain" }).end("this proxy only tunnels (CONNECT)");
  });
  proxy.on("connect", (req, socket: Socket, head: Buffer) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    const target = req.url ?? "";
    const [host = "", port = "443"] = target.split(":");
    const context = port === "443" ? contexts.get(host) : undefined;
    connects.push({ target, intercepted: context !== undefined });
    if (!context) {
      const upstream = connect(Number(port), host, () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (head.length) upstream.write(head);
        upstream.pipe(socket).pipe(upstream);
      });
      upstream.on("error", () => socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"));
      socket.on("error", () => upstream.destroy());
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length) socket.unshift(head);
    const tls = new TLSSocket(socket, { isServer: true, secureContext: context, SNICallback: (name, cb) => cb(null, contexts.get(name)) });
    tls.on("error", () => socket.destroy());
    inner.emit("connection", tls);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const noProxy = "127.0.0.1,localhost";
  return {
    url,
    caFile,
    env: { HTTPS_PROXY: url, https_proxy: url, NO_PROXY: noProxy, no_proxy: noProxy, NODE_EXTRA_CA_CERTS: caFile },
    connects,
    requests,
    async close() {
      for (const s of open) s.destroy();
      inner.closeAllConnections();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
