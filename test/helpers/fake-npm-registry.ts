// A tiny npm registry on loopback serving only the packages built here (npm pack tarballs), as
// the real registry does: a packument per name (dist-tags, and per version the package.json with
// os/cpu/libc, dist.tarball, dist.integrity sha512 and dist.shasum), the tarballs, and 404 for
// every other name. npm is pointed at it for one scope (--@scope:registry=URL).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename } from "node:path";

export interface FakeNpmRegistry {
  /** http://127.0.0.1:PORT/ */
  url: string;
  /** Every request path, decoded, in order (`/@scope/name`, `/@scope/name/-/file.tgz`). */
  requests: string[];
  close(): Promise<void>;
}

interface Published {
  manifest: Record<string, unknown> & { name: string; version: string };
  file: string;
  bytes: Buffer;
}

/** The package.json inside an npm pack tarball (its files live under package/). */
function manifestOf(tarball: string): Published["manifest"] {
  const result = spawnSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`cannot read package/package.json in ${tarball}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Published["manifest"];
}

export async function startFakeNpmRegistry(tarballs: readonly string[]): Promise<FakeNpmRegistry> {
  const published = tarballs.map(
    (file): Published => ({ manifest: manifestOf(file), file: basename(file), bytes: readFileSync(file) }),
  );
  const requests: string[] = [];
  let url = "";
  const packument = (name: string) => {
    const versions = published.filter((pkg) => pkg.manifest.name === name);
    if (versions.length === 0) return undefined;
    return {
      _id: name,
      name,
      "dist-tags": { latest: versions.at(-1)?.manifest.version },
      versions: Object.fromEntries(
        versions.map(({ manifest, file, bytes }) => [
          manifest.version,
          {
            ...manifest,
            _id: `${name}@${manifest.version}`,
            dist: {
              tarball: `${url}${name}/-/${file}`,
              integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
              shasum: createHash("sha1").update(bytes).digest("hex"),
            },
          },
        ]),
      ),
    };
  };
  const server = createServer((request, response) => {
    // npm asks for a scoped name with its slash escaped: /@scope%2fname.
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    requests.push(path);
    const tarball = /^\/(.+)\/-\/([^/]+)$/.exec(path);
    if (tarball) {
      const pkg = published.find((p) => p.manifest.name === tarball[1] && p.file === tarball[2]);
      if (pkg) {
        response.writeHead(200, { "content-type": "application/octet-stream" }).end(pkg.bytes);
        return;
      }
    } else {
      const body = packument(path.slice(1));
      if (body) {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
        return;
      }
    }
    response.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
