"""Command line of the portal: python -m generator.portal [serve|add-user|open-year]."""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Optional

from .config import DEFAULT_DATA, PortalConfig


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m generator.portal",
        description="Performans Programı portalı: birimler çalışma kitaplarını yükler ve denetler, "
                    "koordinatör izler ve programı derler.")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA,
                   help=f"Portal veri klasörü (veritabanı, yüklemeler, çıktılar; varsayılan: {DEFAULT_DATA.name}/).")
    p.add_argument("--database", help="Veritabanı adresi (SQLAlchemy URL; varsayılan: veri klasöründe SQLite).")
    sub = p.add_subparsers(dest="command", metavar="KOMUT")

    s = sub.add_parser("serve", help="Portalı başlat (ilk açılışta örnek yılı ve demo hesaplarını kurar).")
    s.add_argument("--host", default="127.0.0.1", help="Dinlenecek adres (varsayılan: 127.0.0.1).")
    s.add_argument("--port", type=int, default=8000, help="Dinlenecek kapı (varsayılan: 8000).")
    s.add_argument("--no-demo", action="store_true", help="Boş veritabanında örnek yılı kurma.")
    s.add_argument("--no-pdf", action="store_true", help="Derlemede PDF üretme.")

    u = sub.add_parser("add-user", help="Yeni hesap oluştur.")
    u.add_argument("username", help="Kullanıcı adı (küçük harf, rakam, nokta, tire).")
    u.add_argument("--role", required=True, choices=["koordinator", "birim", "izleyici"],
                   help="Rol: koordinator, birim (tek birime bağlı) ya da izleyici (salt okunur).")
    u.add_argument("--department", help="Birim kodu (birim rolü için), ör. D7-FDB.")
    u.add_argument("--name", default="", help="Ad soyad.")
    u.add_argument("--password-stdin", action="store_true",
                   help="Parolayı standart girdiden oku (verilmezse sorulur).")

    y = sub.add_parser("open-year", help="Bir kurum.xlsx ile yeni program yılını aç.")
    y.add_argument("kurum", type=Path, help="Yılın kurum.xlsx dosyası.")
    return p


def _config(args) -> PortalConfig:
    return PortalConfig(data_dir=args.data, database_url=args.database)


def _session(cfg: PortalConfig):
    from . import db as dbmod

    cfg.ensure_dirs()
    engine = dbmod.make_engine(cfg.db_url)
    dbmod.upgrade(engine)
    return dbmod.session_factory(engine)()


def main(argv: Optional[list[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    cfg = _config(args)
    from .services import PortalError, open_year

    if args.command == "add-user":
        from .accounts import create_user

        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Parola: ")
            if getpass.getpass("Parola (tekrar): ") != password:
                print("Hata: iki parola aynı değil.", file=sys.stderr)
                return 2
        db = _session(cfg)
        try:
            user = create_user(db, args.username, args.name, args.role, password, args.department, by="komut satırı")
            db.commit()
        except PortalError as exc:
            print(f"Hata: {exc}", file=sys.stderr)
            return 2
        print(f"\"{user.username}\" hesabı oluşturuldu ({user.role_enum.label}).")
        return 0
    if args.command == "open-year":
        from .services import create_year

        if not args.kurum.exists():
            print(f"Hata: {args.kurum} bulunamadı.", file=sys.stderr)
            return 2
        db = _session(cfg)
        try:
            year = create_year(db, cfg, args.kurum)
            db.commit()
        except PortalError as exc:
            print(f"Hata: {exc}", file=sys.stderr)
            return 2
        print(f"{year.year} yılı açıldı.")
        return 0
    if args.command == "serve":
        cfg.build_pdf = not args.no_pdf
        db = _session(cfg)
        if open_year(db) is None and not args.no_demo:
            from .demo import setup_demo

            try:
                accounts = setup_demo(db, cfg)
            except PortalError as exc:
                print(f"Hata: {exc}", file=sys.stderr)
                return 2
            print("\nDemo hesapları (parolalar yalnızca bu kez gösterilir):")
            for a in accounts:
                extra = f", birim {a.department}" if a.department else ""
                print(f"  {a.username:18} parola: {a.password}   ({a.role}{extra})")
            print()
        db.close()
        from waitress import serve

        from . import create_app

        app = create_app(cfg)
        print(f"Portal: http://{args.host}:{args.port}/  (durdurmak için Ctrl+C)", flush=True)
        serve(app, host=args.host, port=args.port, threads=8, ident="portal",
              max_request_body_size=cfg.max_upload_bytes + 1024 * 1024)
        return 0
    return 2
