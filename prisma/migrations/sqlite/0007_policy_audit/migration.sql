-- CreateTable
CREATE TABLE "McpAuditRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL,
    "server" TEXT NOT NULL,
    "subject" TEXT,
    "client" TEXT,
    "method" TEXT,
    "name" TEXT,
    "decision" TEXT NOT NULL,
    "rule" TEXT,
    "status" INTEGER NOT NULL,
    "latencyMs" REAL NOT NULL,
    "requestId" TEXT,
    "fingerprint" TEXT,
    "arguments" TEXT
);

-- CreateIndex
CREATE INDEX "McpAuditRecord_at_idx" ON "McpAuditRecord"("at");

-- CreateIndex
CREATE INDEX "McpAuditRecord_server_id_idx" ON "McpAuditRecord"("server", "id");

