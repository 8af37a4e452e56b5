import { it } from "vitest";
import { parseRequest } from "/work/main/src/protocol/parse-request.js";
import { percentDecode } from "/work/main/src/protocol/url-codec.js";

it("probe", () => {
  for (const k of ["__proto__", "constructor", "toString"]) {
    try {
      console.log(k, JSON.stringify(parseRequest(`${k}[]=x\n`)));
    } catch (e) {
      console.log(k, "THROWS", String(e));
    }
  }
  console.log(JSON.stringify(percentDecode("😀%20x")));
  const t0 = Date.now();
  const r = parseRequest("a[]=1\n".repeat(170000));
  console.log(r.kind, Date.now() - t0, "ms");
});
