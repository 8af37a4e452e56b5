// Canary tokens: shaped like real GitHub tokens (the newer ones so scrub() patterns would catch
// them too), and unique enough that finding one anywhere it should not be is a leak.
export const CANARY = {
  classic: "ghp_CANARYclassic0000000000000000000001",
  classic2: "ghp_CANARYclassic0000000000000000000002",
  fineGrained: "github_pat_CANARYfine_00000000000000000000000000000001",
  plain: "canary-plain-password-0001",
  /** 40 hex digits: the shape of a classic token before 2021, which no prefix pattern catches. */
  hex40: "c0ffeec0de00000000000000000000000000cafe",
} as const;

export const CANARY_VALUES: readonly string[] = Object.values(CANARY);

/** Names which canaries appear in `text` (empty when none). */
export function findCanaries(text: string): string[] {
  return CANARY_VALUES.filter((value) => text.includes(value));
}

/** `text` with every canary replaced by `<canary>`: for labels and messages about a leak. */
export function maskCanaries(text: string): string {
  return CANARY_VALUES.reduce((masked, value) => masked.replaceAll(value, "<canary>"), text);
}
