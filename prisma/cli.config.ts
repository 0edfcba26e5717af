// Prisma CLI configuration (used only by scripts/prisma.mjs for `migrate diff`):
// the JavaScript schema engine with a driver adapter, so no native engine is needed.
// PORTCULLIS_PRISMA_SCHEMA selects the sqlite or postgres schema variant.
import { defineConfig } from "prisma/config";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";

const schema = process.env.PORTCULLIS_PRISMA_SCHEMA ?? "prisma/schema.prisma";
const isPostgres = schema.includes("postgres");

export default defineConfig({
  schema,
  experimental: { adapter: true },
  engine: "js",
  // SQLite diffs run in memory; PostgreSQL's schema engine needs a reachable server
  // (any scratch database: `migrate diff` between datamodels changes nothing in it).
  adapter: async () => {
    if (!isPostgres) return new PrismaLibSQL({ url: ":memory:" });
    const url = process.env.PORTCULLIS_PRISMA_PG_URL;
    if (!url)
      throw new Error("set PORTCULLIS_PRISMA_PG_URL to a scratch PostgreSQL database to diff the postgres schema");
    return new PrismaPg({ connectionString: url });
  },
});
