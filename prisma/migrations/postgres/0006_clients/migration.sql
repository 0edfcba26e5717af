-- DropIndex
DROP INDEX "Server_path_key";

-- AlterTable
ALTER TABLE "OAuthClient" ADD COLUMN     "registrationKey" TEXT;

-- CreateIndex
CREATE INDEX "Server_path_idx" ON "Server"("path");

-- CreateIndex
CREATE INDEX "OAuthClient_providerName_registrationKey_idx" ON "OAuthClient"("providerName", "registrationKey");

-- CreateIndex
CREATE INDEX "OAuthClient_providerName_lastUsedAt_idx" ON "OAuthClient"("providerName", "lastUsedAt");

-- CreateIndex
CREATE INDEX "OAuthClient_providerName_createdAt_idx" ON "OAuthClient"("providerName", "createdAt");

