import { describe, expect, it } from "vitest";
import { classifyAddress, isMetadataHostname } from "./ip-ranges";
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
