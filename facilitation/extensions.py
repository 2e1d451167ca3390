"""The Flask extensions, created unbound here and bound to the app in `create_app`."""

from flask_babel import Babel
from flask_socketio import SocketIO

socketio = SocketIO()
babel = Babel()
