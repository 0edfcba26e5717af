-- AlterTable
ALTER TABLE "OAuthClient" ADD COLUMN "idpRedirectUri" TEXT;

-- AlterTable
ALTER TABLE "PendingAuthorization" ADD COLUMN "loginParams" JSONB;

-- CreateTable
CREATE TABLE "RefreshTokenBinding" (
    "tokenHash" TEXT NOT NULL PRIMARY KEY,
    "providerName" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "resource" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "RefreshTokenBinding_expiresAt_idx" ON "RefreshTokenBinding"("expiresAt");

-- CreateIndex
CREATE INDEX "RefreshTokenBinding_clientId_idx" ON "RefreshTokenBinding"("clientId");

-- CreateIndex
CREATE INDEX "PendingAuthorization_clientId_idx" ON "PendingAuthorization"("clientId");

