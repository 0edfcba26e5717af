import { describe, expect, it } from "vitest";
import { classifyAddress, isMetadataHostname } from "./ip-ranges";
import { refusedLiteralHost } from "./address-policy";
import { checkAddress } from "./policy";

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["93.184.216.34", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["100.127.255.255", "private"],
    ["100.128.0.1", "public"],
    ["0.0.0.0", "unspecified"],
    ["169.254.1.1", "link_local"],
    ["169.254.169.254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["224.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link_local"],
    ["fe80::1%eth0", "link_local"],
    ["febf::1", "link_local"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["fd00:ec2::254", "metadata"],
    ["ff02::1", "reserved"],
    ["2606:4700::1111", "public"],
    ["[::1]", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["::ffff:8.8.8.8", "public"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["64:ff9b::10.0.0.1", "private"],
    ["2002:a9fe:a9fe::1", "metadata"],
    ["2002:0a00:0001::1", "private"],
    ["not-an-ip", "invalid"],
  ])("classifies %s as %s", (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it("recognizes metadata host names regardless of case and trailing dot", () => {
    expect(isMetadataHostname("metadata.google.internal")).toBe(true);
    expect(isMetadataHostname("METADATA.google.internal.")).toBe(true);
    expect(isMetadataHostname("metadata.example.com")).toBe(false);
  });
});

describe("checkAddress policy", () => {
  const admin = { origin: "admin" as const, blockPrivateNetwork: false };
  const adminBlocked = { origin: "admin" as const, blockPrivateNetwork: true };
  const client = { origin: "client" as const, blockPrivateNetwork: false };

  it("always blocks link-local and metadata addresses, even for admin URLs", () => {
    for (const ip of ["169.254.169.254", "169.254.10.10", "fe80::1", "fd00:ec2::254", "::ffff:169.254.169.254"]) {
      expect(checkAddress(ip, admin).allowed).toBe(false);
    }
  });

  it("allows loopback and private ranges for admin URLs unless blockPrivateNetwork is on", () => {
    for (const ip of [
      "127.0.0.1",
      "::1",
      "10.0.0.1",
      "172.20.0.1",
      "192.168.0.10",
      "fc00::5",
      "100.64.1.1",
      "0.0.0.0",
    ]) {
      expect(checkAddress(ip, admin).allowed).toBe(true);
      expect(checkAddress(ip, adminBlocked).allowed).toBe(false);
    }
  });

  it("never allows loopback or private ranges for client-supplied URLs", () => {
    for (const ip of [
      "127.0.0.1",
      "::1",
      "10.0.0.1",
      "192.168.0.10",
      "fd00::1",
      "100.64.1.1",
      "0.0.0.0",
      "::ffff:10.0.0.1",
    ]) {
      const d = checkAddress(ip, client);
      expect(d.allowed).toBe(false);
    }
  });

  it("allows public addresses for every origin", () => {
    expect(checkAddress("8.8.8.8", client).allowed).toBe(true);
    expect(checkAddress("2606:4700::1111", adminBlocked).allowed).toBe(true);
  });

  it("blocks multicast and reserved addresses for every origin", () => {
    expect(checkAddress("224.0.0.1", admin).allowed).toBe(false);
    expect(checkAddress("ff02::1", admin).allowed).toBe(false);
  });
});

describe("refusedLiteralHost (config validation, browser-safe)", () => {
  it.each([
    ["http://169.254.169.254/latest/meta-data", "169.254.169.254 is a cloud metadata address (always blocked)"],
    ["http://2852039166/", "169.254.169.254 is a cloud metadata address (always blocked)"],
    ["http://0xa9.0xfe.0xa9.0xfe/", "169.254.169.254 is a cloud metadata address (always blocked)"],
    ["http://[::ffff:169.254.169.254]/", "::ffff:a9fe:a9fe is a cloud metadata address (always blocked)"],
    ["http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address (always blocked)"],
    ["http://169.254.1.1:8080/mcp", "169.254.1.1 is a link-local address (always blocked)"],
    ["http://[fe80::1]/", "fe80::1 is a link-local address (always blocked)"],
    ["http://metadata.google.internal/", "metadata.google.internal is a cloud metadata endpoint (always blocked)"],
    ["http://224.0.0.1/", "224.0.0.1 is not a routable unicast address"],
  ])("refuses %s", (url, reason) => {
    expect(refusedLiteralHost(new URL(url))).toBe(reason);
  });

  it.each([
    "http://127.0.0.1:9/mcp",
    "http://[::1]:3/",
    "http://10.0.0.1/",
    "https://mcp.example.com/",
    "http://0.0.0.0/",
  ])("leaves %s to connect time (admin URLs may reach private networks unless the switch is on)", (url) => {
    expect(refusedLiteralHost(new URL(url))).toBeUndefined();
  });
});
