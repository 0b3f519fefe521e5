import { ConfigError, loadConfig, type AppConfig } from "~/.server/config";

/** Loads the configuration or stops the process with the list of what is wrong (exit 78: configuration error). */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
