// An https server on 127.0.0.1 with a self-signed certificate (openssl, SAN IP:127.0.0.1), serving
// JSON documents at given paths: client ID metadata documents for CIMD tests. Processes that must
// trust it get NODE_EXTRA_CA_CERTS=<certFile>. Every request is recorded.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, closeHttpServer, closeOnce, listenLoopback } from "./cleanup";

export interface TestCertificate {
  certFile: string;
  cert: string;
  key: string;
}

/** A fresh self-signed certificate for 127.0.0.1 (and localhost), removed by cleanup. */
export function selfSignedCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-tls-"));
  const removeOnExit = cleanup.removeOnExit(dir);
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ],
    { stdio: "ignore" },
  );
  cleanup.add(`tls(${dir})`, () => {
    rmSync(dir, { recursive: true, force: true });
    removeOnExit();
  });
  return { certFile, cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
}

export interface DocumentResponse {
  status?: number;
  /** JSON-serialised unless a string (sent as is). */
  body: unknown;
  headers?: Record<string, string>;
  /** Delay before answering, in ms. */
  delayMs?: number;
}

export interface HttpsDocumentServer {
  /** https://127.0.0.1:PORT */
  origin: string;
  port: number;
  /** host:port, as PORTCULLIS_CIMD_PRIVATE_HOSTS names it. */
  host: string;
  certFile: string;
  /** Sets (or replaces) what a path answers. */
  set(path: string, doc: DocumentResponse): void;
  /** https://127.0.0.1:PORT<path> */
  url(path: string): string;
  requests: { method: string; path: string; headers: IncomingHttpHeaders; at: number }[];
  /** Requests for one path. */
  count(path: string): number;
  close(): Promise<void>;
}

export async function startHttpsDocumentServer(
  cert: TestCertificate = selfSignedCertificate(),
): Promise<HttpsDocumentServer> {
  const docs = new Map<string, DocumentResponse>();
  const requests: HttpsDocumentServer["requests"] = [];
  const server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const path = new URL(req.url ?? "/", "https://127.0.0.1").pathname;
    requests.push({ method: req.method ?? "GET", path, headers: req.headers, at: Date.now() });
    const doc = docs.get(path);
    const send = () => {
      if (!doc) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end('{"error":"not_found"}');
        return;
      }
      const body = typeof doc.body === "string" ? doc.body : JSON.stringify(doc.body);
      res.writeHead(doc.status ?? 200, { "content-type": "application/json", ...doc.headers });
      res.end(body);
    };
    if (doc?.delayMs) setTimeout(send, doc.delayMs);
    else send();
  });
  const port = await listenLoopback(server);
  const origin = `https://127.0.0.1:${port}`;
  const close = closeOnce(`https-documents(${origin})`, async () => {
    await closeHttpServer(server);
  });
  return {
    origin,
    port,
    host: `127.0.0.1:${port}`,
    certFile: cert.certFile,
    set: (path, doc) => docs.set(path, doc),
    url: (path) => origin + path,
    requests,
    count: (path) => requests.filter((r) => r.path === path).length,
    close,
  };
}
