"""The admin API (/admin/api/…) and page (/admin): documents of the running system.

Enabled only when ``admin_key`` is set; every /admin/api route needs ``Authorization: Bearer
ADMIN_KEY`` (401 otherwise; 403 while no admin key is configured). The page holds no data: it asks
for the key and calls the API from the browser.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse

from qa.api.admin.service import AdminService
from qa.errors import QAError
from qa.settings import Settings

PAGE = Path(__file__).with_name("page.html")


class AdminAuthError(QAError):
    http_status = 401


class AdminDisabledError(QAError):
    http_status = 403


class UploadTooLargeError(QAError):
    http_status = 413


def build_router(settings: Settings, admin: AdminService) -> APIRouter:
    def require_admin(request: Request) -> None:
        key = settings.admin_key
        if not key:
            raise AdminDisabledError("管理接口未启用 / the admin API is off",
                                     hint="设置 admin_key (QA_ADMIN_KEY) 后重启 / set admin_key and restart")
        auth = request.headers.get("authorization", "")
        given = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if not (given and hmac.compare_digest(given.encode("utf-8", "surrogatepass"),
                                              key.encode("utf-8", "surrogatepass"))):
            raise AdminAuthError("需要管理密钥 / a valid admin key is required (Authorization: Bearer ADMIN_KEY)")

    api = APIRouter(prefix="/admin/api", dependencies=[Depends(require_admin)], tags=["admin"])
    page = APIRouter(tags=["admin"])

    @page.get("/admin", response_class=HTMLResponse, summary="管理页 / admin page")
    def admin_page() -> HTMLResponse:
        return HTMLResponse(PAGE.read_text(encoding="utf-8"), headers={"Cache-Control": "no-store"})

    @api.get("/documents", summary="文件及解析报告 / documents with their parse report")
    def documents() -> Any:
        docs = [d.to_dict() for d in admin.documents()]  # loads the index first
        return {"index_version": admin.index_version(), "documents": docs}

    @api.post("/documents", status_code=202, summary="上传新文件或新版本 / upload a document or a new version")
    async def upload(request: Request, file: UploadFile = File(...)) -> Any:  # noqa: B008
        from fastapi.concurrency import run_in_threadpool

        limit = int(settings.max_file_mb * 2**20)
        content = await file.read(limit + 1)
        if len(content) > limit:
            raise UploadTooLargeError(f"文件超过 {settings.max_file_mb:g} MB / file larger than max_file_mb",
                                      hint="拆分文件或调整 max_file_mb / split it or raise max_file_mb")
        job, report = await run_in_threadpool(admin.upload, file.filename or "", content)
        return JSONResponse({"job": job.to_dict(), "report": report.to_dict()}, status_code=202)

    @api.delete("/documents/{doc_id}", status_code=202, summary="删除文件 / remove a document")
    def remove(doc_id: str) -> Any:
        return JSONResponse({"job": admin.remove(doc_id).to_dict()}, status_code=202)

    @api.get("/jobs/{job_id}", summary="索引任务进度 / progress of an index job")
    def job(job_id: str) -> Any:
        return admin.job(job_id).to_dict()

    router = APIRouter()
    router.include_router(page)
    router.include_router(api)
    return router
