import { describe, expect, it } from "vitest";
import { isHttpProtocol, isLoopbackHost, isSafeTransport } from "./transport.js";

describe("isHttpProtocol", () => {
  const cases: Array<{ name: string; input: string | undefined; want: boolean }> = [
    { name: "https is http", input: "https", want: true },
    { name: "http is http", input: "http", want: true },
    { name: "ssh is not http", input: "ssh", want: false },
    { name: "git is not http", input: "git", want: false },
    { name: "file is not http", input: "file", want: false },
    { name: "compares the protocol exactly, as it is on the wire", input: "HTTPS", want: false },
    { name: "an empty protocol is not http", input: "", want: false },
    { name: "a missing protocol is not http", input: undefined, want: false },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(isHttpProtocol(input)).toBe(want);
  });
});

describe("isSafeTransport", () => {
  const cases: Array<{ name: string; input: [string | undefined, string | undefined]; want: boolean }> = [
    { name: "https to any host is safe", input: ["https", "github.com"], want: true },
    { name: "https without a host is safe", input: ["https", undefined], want: true },
    { name: "http to a real host is not safe", input: ["http", "github.com"], want: false },
    { name: "http to localhost is safe", input: ["http", "localhost"], want: true },
    { name: "http to localhost with a port is safe", input: ["http", "localhost:8080"], want: true },
    { name: "http to 127.0.0.1 with a port is safe", input: ["http", "127.0.0.1:8443"], want: true },
    { name: "http to [::1] with a port is safe", input: ["http", "[::1]:8443"], want: true },
    { name: "http to 127.300.0.1 is not safe", input: ["http", "127.300.0.1"], want: false },
    { name: "http without a host is not safe", input: ["http", undefined], want: false },
    { name: "ssh to localhost is not http, so not safe", input: ["ssh", "localhost"], want: false },
    { name: "a missing protocol is not safe", input: [undefined, "localhost"], want: false },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(isSafeTransport(...input)).toBe(want);
  });
});

describe("isLoopbackHost", () => {
  const cases: Array<{ name: string; input: string; want: boolean }> = [
    { name: "localhost is loopback", input: "localhost", want: true },
    { name: "localhost is compared case-insensitively", input: "LocalHost:3000", want: true },
    { name: "127.0.0.1 is loopback", input: "127.0.0.1", want: true },
    { name: "any address in 127.0.0.0/8 is loopback", input: "127.1.2.3", want: true },
    { name: "127.255.255.255 is loopback", input: "127.255.255.255:65535", want: true },
    { name: "a bare ::1 is loopback", input: "::1", want: true },
    { name: "a bracketed [::1] is loopback", input: "[::1]", want: true },
    { name: "a bracketed [::1] with a port is loopback", input: "[::1]:8443", want: true },
    { name: "a bracketed [::1] with an empty port is loopback", input: "[::1]:", want: true },
    { name: "127.300.0.1 is not an address, so not loopback", input: "127.300.0.1", want: false },
    { name: "127.0.0.256 is not an address, so not loopback", input: "127.0.0.256", want: false },
    { name: "a three-part 127.0.1 is not loopback", input: "127.0.1", want: false },
    { name: "128.0.0.1 is not loopback", input: "128.0.0.1", want: false },
    { name: "a name starting with 127.0.0.1 is not loopback", input: "127.0.0.1.evil.example", want: false },
    { name: "a name starting with localhost is not loopback", input: "localhost.evil.example", want: false },
    { name: "a name ending with localhost is not loopback", input: "evil-localhost", want: false },
    { name: "a port that names localhost is not loopback", input: "evil.example:localhost", want: false },
    { name: "[::2] is not loopback", input: "[::2]:8443", want: false },
    { name: "[::1] with a non-numeric port is not loopback", input: "[::1]:http", want: false },
    { name: "a bare IPv6 address other than ::1 is not loopback", input: "fe80::1", want: false },
    { name: "an empty host is not loopback", input: "", want: false },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(isLoopbackHost(input)).toBe(want);
  });
});
