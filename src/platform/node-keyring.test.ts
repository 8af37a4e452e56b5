import { describe, expect, it } from "vitest";
import { keychainWords } from "./node-keyring.js";

describe("keychainWords", () => {
  it.each([
    {
      platform: "linux",
      missing: /Secret Service/,
      start: /gnome-keyring/,
      unlock: /gnome-keyring-daemon --unlock/,
    },
    {
      platform: "darwin",
      missing: /macOS keychain/,
      start: /login keychain/,
      unlock: /security unlock-keychain/,
    },
    {
      platform: "win32",
      missing: /Credential Manager/,
      start: /logon session/,
      unlock: /Credential Manager/,
    },
  ])(
    "$platform names its own keychain and always the other stores",
    ({ platform, missing, start, unlock }) => {
      const words = keychainWords(platform);
      expect(words.missing).toMatch(missing);
      expect(words.start).toMatch(start);
      expect(words.unlock).toMatch(unlock);
      for (const advice of [words.start, words.unlock]) expect(advice).toContain('"--store=file"');
    },
  );
});
