import { queryAudit } from "@/lib/audit/service";
import { apiHandler, getRuntime } from "../_lib/handler";

export const dynamic = "force-dynamic";

/** MCP audit records, newest first: ?server= &subject= &client= &tool= &outcome= &from= &to= &limit= &cursor= */
export const GET = apiHandler((req) => queryAudit(getRuntime().audit.repo, new URL(req.url).searchParams));
