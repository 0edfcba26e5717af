import { z } from "zod";
import { saveEntity } from "@/lib/config/service";
import { actorOf, apiHandler, getRuntime, readJson } from "../_lib/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler(() => getRuntime().repos.config.listServers());

export const POST = apiHandler(
  async (req) =>
    saveEntity(getRuntime(), "server", await readJson(req, z.unknown(), "server"), { actor: actorOf(req) }),
  { status: 201 },
);
