-- AlterTable
ALTER TABLE "PendingAuthorization" ADD COLUMN     "browserIdHash" TEXT,
ADD COLUMN     "codeHash" TEXT,
ADD COLUMN     "facadeIssuer" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'upstream';

-- CreateIndex
CREATE UNIQUE INDEX "PendingAuthorization_codeHash_key" ON "PendingAuthorization"("codeHash");

