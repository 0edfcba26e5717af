import { exportConfigText } from "@/lib/config/apply";
import { apiHandler, getRuntime } from "../../_lib/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler(async () => {
  const yaml = await exportConfigText(getRuntime().repos.config);
  return new Response(yaml, {
    headers: {
      "content-type": "application/yaml; charset=utf-8",
      "content-disposition": 'attachment; filename="portcullis.yaml"',
      "cache-control": "no-store",
    },
  });
});
