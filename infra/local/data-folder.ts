/**
 * The local runtime's data folder: created if missing, and held by one runtime at a time through a
 * lock file naming its process, so two `npm start` on one folder cannot overwrite each other's data.
 * A lock left by a process that no longer runs (a crash, SIGKILL) is taken over.
 */
import { mkdir, open, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { SNAPSHOT_FILE } from "./snapshot-file.js";

const LOCK_FILE = "lock";

export class DataFolderInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The data folder ${dir} is in use by process ${pid} (another npm start?). Stop it, or give this ` +
        "one its own folder: BILLING_DATA_DIR=<another folder> npm start",
    );
    this.name = "DataFolderInUseError";
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface DataFolder {
  readonly dir: string;
  release(): Promise<void>;
}

export async function lockDataFolder(dir: string): Promise<DataFolder> {
  await mkdir(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lock, "wx", 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      const holder = Number((await readFile(lock, "utf8").catch(() => "")).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && running(holder))
        throw new DataFolderInUseError(dir, holder);
      await rm(lock, { force: true });
    }
  }
  // Temporary files of a write that a crash interrupted: the snapshot beside them is the good one.
  for (const name of await readdir(dir)) {
    if (name.startsWith(`${SNAPSHOT_FILE}.`) && name.endsWith(".tmp"))
      await rm(join(dir, name), { force: true });
  }
  let released = false;
  return {
    dir,
    release: async () => {
      if (released) return;
      released = true;
      const holder = (await readFile(lock, "utf8").catch(() => "")).trim();
      if (holder === String(process.pid)) await rm(lock, { force: true });
    },
  };
}
