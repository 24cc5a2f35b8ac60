"""Forms (Flask-WTF: every form carries a CSRF token); messages in Turkish."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

REQUIRED = "Bu alan boş bırakılamaz."


class LoginForm(FlaskForm):
    username = StringField("Kullanıcı adı", validators=[DataRequired(REQUIRED), Length(max=64)])
    password = PasswordField("Parola", validators=[DataRequired(REQUIRED), Length(max=200)])


class UploadForm(FlaskForm):
    dosya = FileField("Çalışma kitabı (.xlsx)", validators=[FileRequired("Bir dosya seçin.")])


class ReturnForm(FlaskForm):
    note = TextAreaField("İade gerekçesi", validators=[DataRequired("İade için bir açıklama yazın."),
                                                       Length(max=2000)])


class AcceptForm(FlaskForm):
    code = HiddenField(validators=[DataRequired(REQUIRED), Length(max=20)])
    sheet = HiddenField(validators=[Length(max=100)])
    cell = HiddenField(validators=[Length(max=20)])
    note = StringField("Kabul gerekçesi", validators=[DataRequired("Bir gerekçe yazın."), Length(max=500)])


class UserForm(FlaskForm):
    username = StringField("Kullanıcı adı", validators=[
        DataRequired(REQUIRED), Length(min=3, max=64, message="Kullanıcı adı 3–64 karakter olmalı."),
        Regexp(r"^[a-z0-9._-]+$",
               message="Kullanıcı adı küçük harf (a–z), rakam, nokta, tire ve alt çizgiden oluşur.")])
    full_name = StringField("Ad soyad", validators=[DataRequired(REQUIRED), Length(max=200)])
    role = SelectField("Rol", choices=[SelectChoice("birim", "Birim kullanıcısı"),
                                       SelectChoice("koordinator", "Koordinatör"),
                                       SelectChoice("izleyici", "İzleyici (salt okunur)")])
    department = SelectField("Birim (birim kullanıcıları için)", choices=[], validate_choice=False,
                             validators=[Optional()])
    password = PasswordField("Parola", validators=[DataRequired(REQUIRED), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField("Şimdiki parola", validators=[DataRequired(REQUIRED)])
    new = PasswordField("Yeni parola", validators=[DataRequired(REQUIRED), Length(max=200)])
    repeat = PasswordField("Yeni parola (tekrar)", validators=[
        DataRequired(REQUIRED), EqualTo("new", message="İki parola aynı değil.")])
