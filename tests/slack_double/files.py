"""Files upload v2, as ``WebClient.files_upload_v2`` runs it.

files.getUploadURLExternal declares the file and hands out an upload URL; the bytes are
POSTed there (``/upload/<file id>``); files.completeUploadExternal shares the uploaded
files in channels, each share a message from the bot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.slack_double.block_kit import check_message
from tests.slack_double.chat import store_message
from tests.slack_double.conversations import postable_channel
from tests.slack_double.records import ApiError, Reply
from tests.slack_double.server import parse_multipart

if TYPE_CHECKING:
    from tests.slack_double.double import Handler, SlackDouble


def files_get_upload_url_external(double: SlackDouble, args: dict) -> dict:
    length = args["length"]
    if length <= 0:
        double.violations.append(
            f"files.getUploadURLExternal: length must be positive, got {length}"
        )
        raise ApiError("invalid_arguments", messages=["[ERROR] length must be positive"])
    alt_txt = args.get("alt_txt")
    if alt_txt is not None and len(alt_txt) > 1000:
        double.violations.append("files.getUploadURLExternal: alt_txt longer than 1000 characters")
        raise ApiError("alt_txt_too_large")
    file_id = double.new_id("F")
    upload_url = f"{double.base_url}/upload/{file_id}"
    double.files[file_id] = {
        "id": file_id,
        "filename": args["filename"],
        "length": length,
        "alt_txt": alt_txt,
        "snippet_type": args.get("snippet_type"),
        "upload_url": upload_url,
        "bytes": None,
        "uploaded": False,
        "title": None,
        "completed": False,
        "channel_id": None,
        "channels": [],
        "initial_comment": None,
        "thread_ts": None,
    }
    return {"upload_url": upload_url, "file_id": file_id}


def upload(double: SlackDouble, file_id: str, headers: Any, body: bytes) -> Reply:
    """The POST of the bytes to the upload URL: raw, or the first file of a multipart form."""
    content_type = headers.get("Content-Type") or ""
    data = body
    if content_type.lower().startswith("multipart/form-data"):
        parts = parse_multipart(content_type, body)
        with_name = [p for p in parts if p[1] is not None]
        chosen = (with_name or parts or [(None, None, b"")])[0]
        data = chosen[2]
    record = double.files.get(file_id)
    if record is None:
        return Reply(404, "file_not_found")
    if record["completed"]:
        double.violations.append(f"upload of {file_id}: file already completed")
        return Reply(400, "file_already_completed")
    if len(data) != record["length"]:
        double.violations.append(
            f"upload of {file_id}: {len(data)} bytes sent, {record['length']} declared "
            "to files.getUploadURLExternal"
        )
    record["bytes"] = data
    record["uploaded"] = True
    return Reply(200, f"OK - {len(data)}")


def files_complete_upload_external(double: SlackDouble, args: dict) -> dict:
    items = args["files"]
    records = []
    for item in items:
        record = double.files.get(item.get("id"))
        if record is None or not record["uploaded"]:
            raise ApiError("file_not_found")
        records.append((item, record))
    targets: list[str] = []
    if args.get("channel_id"):
        targets.append(postable_channel(double, args["channel_id"]))
    for ref in (args.get("channels") or "").split(","):
        if ref.strip():
            targets.append(postable_channel(double, ref.strip()))
    if args.get("blocks") is not None:
        check_message(
            double.violations, "files.completeUploadExternal", args, require_content=False
        )
    for item, record in records:
        record["title"] = item.get("title") or record["filename"]
        record["completed"] = True
        record["channel_id"] = targets[0] if targets else None
        record["channels"] = list(targets)
        record["initial_comment"] = args.get("initial_comment")
        record["thread_ts"] = args.get("thread_ts")
    shared = [
        {"id": r["id"], "name": r["filename"], "title": r["title"], "size": r["length"]}
        for _, r in records
    ]
    for channel_id in targets:
        message_args = {
            "text": args.get("initial_comment") or "",
            "blocks": args.get("blocks"),
            "thread_ts": args.get("thread_ts"),
        }
        message = store_message(double, channel_id, message_args, files=shared, upload=True)
        for _, record in records:
            record.setdefault("message_ts", {})[channel_id] = message["ts"]
    return {"files": [{"id": f["id"], "title": f["title"]} for f in shared]}


METHODS: dict[str, Handler] = {
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
}
