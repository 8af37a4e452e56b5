export interface ReleaseTarget {
  id: string;
  bun: string;
  keyring: string;
  os: "linux" | "darwin" | "win32";
  cpu: "x64" | "arm64";
  libc?: "glibc" | "musl";
  exe?: boolean;
}
export const RELEASE_TARGETS: readonly ReleaseTarget[];
export function binaryFileName(target: ReleaseTarget): string;
export function npmPackageName(target: ReleaseTarget): string;
export function npmBinaryPath(target: ReleaseTarget): string;
