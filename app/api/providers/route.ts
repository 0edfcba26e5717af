import { z } from "zod";
import { saveEntity } from "@/lib/config/service";
import { actorOf, apiHandler, getRuntime, readJson } from "../_lib/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler(() => getRuntime().repos.config.listProviders());

export const POST = apiHandler(
  async (req) =>
    saveEntity(getRuntime(), "provider", await readJson(req, z.unknown(), "provider"), { actor: actorOf(req) }),
  { status: 201 },
);
