// config.json in the config directory: the user's settings, never tokens (accounts live in accounts.json).

import { PatError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { readPrivateFile } from "../private-files.js";
import { type Config, configFilePath, ENV, STORE_NAMES, type StoreName } from "../settings.js";

/** Loads config.json; a missing file is an empty config, a broken one a clear error naming it. */
export async function loadConfig(
  deps: Pick<Deps, "env" | "paths" | "fs" | "clock" | "uid">,
): Promise<Config> {
  const path = configFilePath(deps);
  const content = await readPrivateFile(path, deps);
  if (content === undefined) return {};
  const hint = `fix it, or move it aside: mv "${path}" "${path}.bak"`;
  let data: unknown;
  try {
    data = JSON.parse(content.toString("utf8"));
  } catch {
    throw new PatError(`config file ${path} is not valid JSON`, { hint });
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new PatError(`config file ${path} must hold a JSON object`, { hint });
  }
  const record = data as Record<string, unknown>;
  const config: Config = {};
  if (record.store !== undefined) {
    if (!STORE_NAMES.includes(record.store as StoreName)) {
      throw new PatError(`config file ${path}: "store" must be one of ${STORE_NAMES.join(", ")}`, { hint });
    }
    config.store = record.store as StoreName;
  }
  if (record.file !== undefined) {
    if (typeof record.file !== "string" || record.file === "") {
      throw new PatError(`config file ${path}: "file" must be a path`, { hint });
    }
    config.file = record.file;
  }
  if (record.allowHttp !== undefined) {
    if (typeof record.allowHttp !== "boolean") {
      throw new PatError(`config file ${path}: "allowHttp" must be true or false`, { hint });
    }
    config.allowHttp = record.allowHttp;
  }
  if (record.learn !== undefined) {
    if (typeof record.learn !== "boolean") {
      throw new PatError(`config file ${path}: "learn" must be true or false`, { hint });
    }
    config.learn = record.learn;
  }
  return config;
}

/**
 * Whether plain http to a real host may carry a token: GIT_CREDENTIAL_PAT_ALLOW_HTTP when set
 * (1/true/yes/on: yes; anything else: no), else config.json's "allowHttp", else no.
 */
export function isHttpAllowed(config: Config, env: Deps["env"]): boolean {
  const value = env[ENV.allowHttp];
  if (value) return /^(1|true|yes|on)$/i.test(value);
  return config.allowHttp === true;
}

/**
 * Whether a token git stores is learned about in the background: GIT_CREDENTIAL_PAT_LEARN when
 * set (1/true/yes/on: yes; anything else, 0 included: no), else config.json's "learn", else yes.
 */
export function isLearningOn(config: Config, env: Deps["env"]): boolean {
  const value = env[ENV.learn];
  if (value) return /^(1|true|yes|on)$/i.test(value);
  return config.learn !== false;
}
