package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"fieldreg/change"
	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

// Errors callers branch on.
var (
	// ErrNotEnrolled: the workspace has no enrollment; run enroll with a code from HQ.
	ErrNotEnrolled = errors.New("this device is not enrolled with an HQ")
	// ErrRevoked: HQ revoked this device; it will not sync again.
	ErrRevoked = errors.New("HQ has revoked this device")
	// ErrWiped: HQ ordered this device to erase its workspace, and it did.
	ErrWiped = errors.New("HQ ordered this device to erase its data; the workspace was erased")
	// ErrUnreachable: HQ could not be reached before the time ran out.
	ErrUnreachable = errors.New("HQ could not be reached")
	// ErrRefused: HQ refused the request for a reason retrying will not fix
	// (wrapped with HQ's *wire.Error).
	ErrRefused = errors.New("HQ refused the request")
	// ErrAlreadyEnrolled: Enroll on a workspace that already is.
	ErrAlreadyEnrolled = errors.New("this device is already enrolled")
	// ErrRestoredCopy: HQ holds more of this device's changes than the
	// workspace ever made, so the workspace is an older copy of itself
	// (restored from a backup). Syncing on would reuse change numbers HQ
	// already holds, and HQ would take the new changes for resends and drop
	// them; sync stops instead, and the changes stay on the device.
	ErrRestoredCopy = errors.New("this workspace is an older copy than what HQ holds from this device")
)

// classify turns a round's error into what Sync does next: retry (nil) or
// stop with the returned error.
func classify(err error) (permanent error) {
	var le localError
	if errors.As(err, &le) {
		return err
	}
	var we *wire.Error
	if errors.As(err, &we) {
		switch we.Code {
		case wire.CodeRevoked:
			return fmt.Errorf("%w: %v", ErrRevoked, we)
		case wire.CodeInternal, wire.CodeUnavailable, wire.CodeTooLarge:
			return nil
		case wire.CodeWipe:
			return we // the caller wipes
		}
		return fmt.Errorf("%w: %w", ErrRefused, we)
	}
	if errors.Is(err, pki.ErrFingerprint) {
		// Whoever answered is not the HQ the code names: retrying will not
		// change who answers.
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	var unknownCA x509.UnknownAuthorityError
	if errors.As(err, &unknownCA) {
		// The server is not this device's HQ (its certificate is from
		// another CA): a wrong address, or someone in the middle.
		return fmt.Errorf("%w: the server is not this device's HQ: %w", ErrRefused, err)
	}
	var alert tls.AlertError
	if errors.As(err, &alert) {
		// HQ's TLS layer refused the certificate: not enrolled here.
		return fmt.Errorf("%w: %w", ErrRefused, &wire.Error{Code: wire.CodeUnauthorized, Message: err.Error()})
	}
	return nil
}

// Explain says what went wrong in plain words and what to do, in lang
// ("en", "fr", "es", "ar"; anything else gives English).
func Explain(err error, lang string) string {
	if err == nil {
		return ""
	}
	key := "other"
	var we *wire.Error
	switch {
	case errors.Is(err, ErrNotEnrolled):
		key = "not_enrolled"
	case errors.Is(err, ErrRevoked):
		key = "revoked"
	case errors.Is(err, ErrWiped):
		key = "wiped"
	case errors.Is(err, ErrUnreachable):
		key = "unreachable"
	case errors.Is(err, ErrAlreadyEnrolled):
		key = "already_enrolled"
	case errors.Is(err, ErrRestoredCopy):
		key = "restored_copy"
	case errors.Is(err, change.ErrClockAhead):
		key = "clock"
	case errors.As(err, &we) && we.Code == wire.CodeClockAhead:
		key = "clock"
	case errors.As(err, &we) && we.Code == wire.CodeUnauthorized:
		key = "unauthorized"
	case errors.As(err, &we) && we.Code == wire.CodeVersion:
		key = "version"
	}
	msgs := explanations[key]
	if m, ok := msgs[lang]; ok {
		return m
	}
	return msgs["en"]
}

var explanations = map[string]map[string]string{
	"restored_copy": {
		"en": "This tablet's data is older than what HQ already has from it (was it restored from a backup?). Nothing was sent, and nothing on the tablet is lost. Do not register more on it: ask your coordinator to export its records and enroll it again as a new device.",
		"fr": "Les données de cette tablette sont plus anciennes que ce que le siège a déjà reçu d'elle (a-t-elle été restaurée depuis une sauvegarde ?). Rien n'a été envoyé et rien n'est perdu sur la tablette. N'enregistrez plus rien dessus : demandez à votre coordinateur d'exporter ses données et de l'inscrire à nouveau comme nouvel appareil.",
		"es": "Los datos de esta tableta son más antiguos que lo que la sede ya recibió de ella (¿se restauró desde una copia de seguridad?). No se envió nada y no se pierde nada en la tableta. No registre nada más en ella: pida a su coordinador que exporte sus registros y la inscriba de nuevo como un dispositivo nuevo.",
		"ar": "بيانات هذا الجهاز أقدم مما تلقاه المقر منه من قبل (هل استُعيدت من نسخة احتياطية؟). لم يُرسل شيء ولم يُفقد شيء على الجهاز. لا تسجّل عليه المزيد: اطلب من المنسق تصدير سجلاته وتسجيله من جديد كجهاز جديد.",
	},
	"not_enrolled": {
		"en": "This device is not connected to an HQ yet. Ask your coordinator for an enrollment code and enter it.",
		"fr": "Cet appareil n'est pas encore relié à un siège. Demandez un code d'inscription à votre coordinateur et saisissez-le.",
		"es": "Este dispositivo aún no está conectado a una sede. Pida un código de inscripción a su coordinador e introdúzcalo.",
		"ar": "هذا الجهاز غير مرتبط بالمقر بعد. اطلب رمز التسجيل من المنسق وأدخله.",
	},
	"revoked": {
		"en": "HQ has switched this device off. Your records stay on it; contact your coordinator, or send them with a bundle file.",
		"fr": "Le siège a désactivé cet appareil. Vos fiches y restent ; contactez votre coordinateur ou envoyez-les par fichier.",
		"es": "La sede ha desactivado este dispositivo. Sus registros siguen en él; contacte a su coordinador o envíelos en un archivo.",
		"ar": "أوقف المقر هذا الجهاز. تبقى سجلاتك عليه؛ اتصل بالمنسق أو أرسلها في ملف.",
	},
	"wiped": {
		"en": "HQ ordered this device to erase its data, and it has. Everything it had sent is safe at HQ.",
		"fr": "Le siège a ordonné l'effacement de cet appareil, c'est fait. Tout ce qu'il avait envoyé est en sécurité au siège.",
		"es": "La sede ordenó borrar este dispositivo y se ha borrado. Todo lo que había enviado está a salvo en la sede.",
		"ar": "أمر المقر بمسح بيانات هذا الجهاز وقد تم ذلك. كل ما أرسله محفوظ في المقر.",
	},
	"unreachable": {
		"en": "HQ could not be reached. Nothing is lost: your records wait on this device. Try again when you have a connection, or use a bundle file.",
		"fr": "Impossible de joindre le siège. Rien n'est perdu : vos fiches attendent sur cet appareil. Réessayez avec une connexion, ou utilisez un fichier.",
		"es": "No se pudo contactar con la sede. No se pierde nada: sus registros esperan en este dispositivo. Vuelva a intentarlo con conexión o use un archivo.",
		"ar": "تعذر الوصول إلى المقر. لم يضع شيء: سجلاتك محفوظة على هذا الجهاز. حاول مجددًا عند توفر اتصال أو استخدم ملفًا.",
	},
	"already_enrolled": {
		"en": "This device is already connected to an HQ.",
		"fr": "Cet appareil est déjà relié à un siège.",
		"es": "Este dispositivo ya está conectado a una sede.",
		"ar": "هذا الجهاز مرتبط بالمقر بالفعل.",
	},
	"clock": {
		"en": "This device's date or time is wrong. Set the correct date and time, then sync again.",
		"fr": "La date ou l'heure de cet appareil est fausse. Réglez-les, puis synchronisez à nouveau.",
		"es": "La fecha u hora de este dispositivo es incorrecta. Corríjala y vuelva a sincronizar.",
		"ar": "تاريخ أو وقت هذا الجهاز غير صحيح. اضبطهما ثم أعد المزامنة.",
	},
	"unauthorized": {
		"en": "HQ does not recognise this device. The enrollment code may be used or expired; ask your coordinator for a new one.",
		"fr": "Le siège ne reconnaît pas cet appareil. Le code a peut-être expiré ou déjà servi ; demandez-en un nouveau.",
		"es": "La sede no reconoce este dispositivo. El código puede haber caducado o ya usado; pida uno nuevo.",
		"ar": "لا يتعرف المقر على هذا الجهاز. ربما انتهت صلاحية الرمز أو استُخدم؛ اطلب رمزًا جديدًا.",
	},
	"version": {
		"en": "This app and HQ speak different versions. Update the app.",
		"fr": "Cette application et le siège ne parlent pas la même version. Mettez l'application à jour.",
		"es": "Esta aplicación y la sede usan versiones distintas. Actualice la aplicación.",
		"ar": "التطبيق والمقر يستخدمان إصدارين مختلفين. حدّث التطبيق.",
	},
	"other": {
		"en": "Sync did not finish. Nothing is lost; try again later. If it keeps failing, tell your coordinator.",
		"fr": "La synchronisation n'a pas abouti. Rien n'est perdu ; réessayez plus tard. Si cela persiste, prévenez votre coordinateur.",
		"es": "La sincronización no terminó. No se pierde nada; inténtelo más tarde. Si sigue fallando, avise a su coordinador.",
		"ar": "لم تكتمل المزامنة. لم يضع شيء؛ حاول لاحقًا. إذا استمر الخطأ، أبلغ المنسق.",
	},
}
