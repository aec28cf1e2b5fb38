"""Keeps each message received on SMTP port 1025 as /mail/<n>.eml; serves /mail on port 8025."""

import functools
import http.server
import itertools
import time

from aiosmtpd.controller import Controller

MAIL_DIR = "/mail"


class Keep:
    def __init__(self):
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self.numbers):06d}.eml"
        with open(f"{MAIL_DIR}/{name}", "wb") as file:
            file.write(envelope.original_content or envelope.content)
        # The file's name and the count of recipients only: the addresses are personal data.
        print(f"kept {name} for {len(envelope.rcpt_tos)} recipient(s)", flush=True)
        return "250 Message accepted"


def main():
    controller = Controller(Keep(), hostname="0.0.0.0", port=1025)
    controller.start()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=MAIL_DIR)
    web = http.server.ThreadingHTTPServer(("0.0.0.0", 8025), handler)
    print("SMTP on 1025, the kept messages on http://0.0.0.0:8025/", flush=True)
    try:
        web.serve_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
