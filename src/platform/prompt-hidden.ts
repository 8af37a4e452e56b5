// A no-echo prompt for tokens (gh's `auth login` prompt): raw mode on the terminal, characters
// collected until Enter, nothing echoed, Ctrl-C cancels. Only `login` and `rotate` use it.
import { CancelledError, UsageError } from "../errors.js";

export function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return Promise.reject(
      new UsageError("no terminal to ask for the token on", {
        hint: "pass it on standard input with --with-token",
      }),
    );
  }
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\u0003") return finish(new CancelledError("cancelled"));
        if (char === "\r" || char === "\n") return finish();
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else if (char >= " ") value += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}
